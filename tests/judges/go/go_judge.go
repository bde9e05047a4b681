// go_judge.go: test-only judge: for "a<TAB>b" lines prints "cmp validA validB" using
// golang.org/x/mod/semver (Debian golang-golang-x-mod-dev; built with GO111MODULE=off).
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/semver"
)

func b(v bool) int {
	if v {
		return 1
	}
	return 0
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		f := strings.SplitN(in.Text(), "\t", 2)
		fmt.Fprintf(out, "%d %d %d\n", semver.Compare(f[0], f[1]), b(semver.IsValid(f[0])), b(semver.IsValid(f[1])))
	}
}
