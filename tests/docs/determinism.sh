#!/bin/sh
# determinism.sh: `medsec docs` gives byte-identical output for the same input; the date comes from
# the release or SOURCE_DATE_EPOCH; the content hash is what sha256sum computes over the files the
# cover lists, and changes when any of them changes; the source commit comes from git; --strict
# exits 1 exactly when gaps remain.
#
# usage: determinism.sh MEDSEC_BINARY SOURCE_ROOT
set -u
bin=$1 root=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "determinism: $*"; fail=1; }
docs() { env -u SOURCE_DATE_EPOCH NO_COLOR=1 "$bin" docs "$@"; }
field() { sed -n "s/^| $1 | \(.*\) |\$/\1/p" "$2"; }

for ex in infusion-pump glucose-cloud; do
    dir="$root/examples/$ex"
    # 1. two runs, byte for byte (every format but PDF, and the JSON)
    docs "$dir" -o "$tmp/$ex-a" --source-commit r1 --json >"$tmp/$ex-a.json" 2>"$tmp/$ex-a.err" || no "$ex: run a failed"
    docs "$dir" -o "$tmp/$ex-b" --source-commit r1 --json >"$tmp/$ex-b.json" 2>"$tmp/$ex-b.err" || no "$ex: run b failed"
    diff -r "$tmp/$ex-a" "$tmp/$ex-b" >/dev/null || no "$ex: two runs differ: $(diff -rq "$tmp/$ex-a" "$tmp/$ex-b" | head -3)"
    cmp -s "$tmp/$ex-a.json" "$tmp/$ex-b.json" || no "$ex: --json differs between runs"
    sed "s|$tmp/$ex-a||" "$tmp/$ex-a.err" >"$tmp/e1"
    sed "s|$tmp/$ex-b||" "$tmp/$ex-b.err" >"$tmp/e2"
    cmp -s "$tmp/e1" "$tmp/e2" || no "$ex: gap summaries differ"
    [ -s "$tmp/$ex-a/html/index.html" ] && [ -s "$tmp/$ex-a/html/style.css" ] && [ -s "$tmp/$ex-a/md/index.md" ] ||
        no "$ex: the cover, style.css or index.md is missing"

    # 2. the date: the release's, or SOURCE_DATE_EPOCH
    d1=$(field Date "$tmp/$ex-a/md/index.md")
    echo "$d1" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' || no "$ex: no release date on the cover: '$d1'"
    SOURCE_DATE_EPOCH=86400 NO_COLOR=1 "$bin" docs "$dir" -o "$tmp/$ex-e" --format md 2>/dev/null
    d2=$(field Date "$tmp/$ex-e/md/index.md")
    [ "$d2" = 1970-01-02 ] || no "$ex: SOURCE_DATE_EPOCH=86400 gave date '$d2'"

    # 3. the content hash: sha256sum over the listed files, in the listed order
    sed -n '/^```$/,/^```$/p' "$tmp/$ex-a/md/index.md" | grep -v '^```' >"$tmp/$ex-lines"
    [ -s "$tmp/$ex-lines" ] || no "$ex: the cover lists no source file"
    head -1 "$tmp/$ex-lines" | grep -q '  device.yaml$' || no "$ex: device.yaml is not the first source"
    files=$(sed 's/^[0-9a-f]*  //' "$tmp/$ex-lines")
    # shellcheck disable=SC2086
    (cd "$dir" && sha256sum $files) >"$tmp/$ex-recomputed"
    cmp -s "$tmp/$ex-lines" "$tmp/$ex-recomputed" || no "$ex: the listed hashes are not sha256sum's"
    want=$(sha256sum <"$tmp/$ex-recomputed" | cut -d' ' -f1)
    got=$(field 'Content SHA-256' "$tmp/$ex-a/md/index.md")
    [ "$want" = "$got" ] || no "$ex: content hash $got, sha256sum gives $want"
    # every file device.yaml names is covered: each sbom/evidence/rubric path in it is listed
    for f in $(grep -Eo '(sbom|evidence|rubric)/[A-Za-z0-9._/-]+' "$dir/device.yaml" | sort -u); do
        echo "$files" | grep -qx "$f" || no "$ex: $f is named in device.yaml but not hashed"
    done

    # 4. --strict exits 1 exactly when the summary counts gaps; without it, 0
    docs "$dir" -o "$tmp/$ex-s" --strict --source-commit r1 2>"$tmp/$ex-s.err" >/dev/null
    rc=$?
    n=$(sed -n '1s/.*, \([0-9]*\) gaps\{0,1\}$/\1/p' "$tmp/$ex-s.err")
    case "$n" in '' ) no "$ex: no gap count in the summary: $(head -1 "$tmp/$ex-s.err")" ;; esac
    if [ "${n:-0}" -gt 0 ]; then want_rc=1; else want_rc=0; fi
    [ "$rc" = "$want_rc" ] || no "$ex: --strict with $n gaps exited $rc (want $want_rc)"
    sum=$(sed -n "2,\$ s/^[^ ].*: \([0-9]*\)$/\1/p" "$tmp/$ex-s.err" | awk "{ s += \$1 } END { print s + 0 }")
    lines=$(grep -c '^  [^ .].*: .* ([a-z0-9.-]*)$' "$tmp/$ex-s.err")
    [ "$lines" = "$n" ] || no "$ex: $lines gap lines for $n gaps"
    [ "$sum" = "$n" ] || no "$ex: the areas add up to $sum, the total is $n"
done

# 5. a changed input changes the hash; git gives the source commit
cp -r "$root/examples/glucose-cloud" "$tmp/dev"
docs "$tmp/dev" -o "$tmp/h1" --format md --source-commit x 2>/dev/null
printf ' ' >>"$tmp/dev/sbom/mobile-app.cdx.json"
docs "$tmp/dev" -o "$tmp/h2" --format md --source-commit x 2>/dev/null
[ "$(field 'Content SHA-256' "$tmp/h1/md/index.md")" != "$(field 'Content SHA-256' "$tmp/h2/md/index.md")" ] ||
    no "a changed SBOM left the content hash the same"
if command -v git >/dev/null 2>&1; then
    (cd "$tmp/dev" && git init -q && git add -A && git -c user.name=t -c user.email=t@example.org commit -qm t) || no "git init failed"
    rev=$(git -C "$tmp/dev" rev-parse HEAD)
    docs "$tmp/dev" -o "$tmp/g1" --format md 2>/dev/null
    [ "$(field 'Source commit' "$tmp/g1/md/index.md")" = "$rev" ] || no "source commit is not $rev"
    printf ' ' >>"$tmp/dev/sbom/mobile-app.cdx.json"
    docs "$tmp/dev" -o "$tmp/g2" --format md 2>/dev/null
    [ "$(field 'Source commit' "$tmp/g2/md/index.md")" = "$rev (modified)" ] || no "a modified checkout is not marked"
fi
# 6. --pdf without Chromium: exit 2, said clearly, nothing written
MEDSEC_CHROMIUM=/nonexistent/chromium PATH=/nonexistent "$bin" docs "$root/examples/glucose-cloud" \
    -o "$tmp/nopdf" --pdf --source-commit x >/dev/null 2>"$tmp/nopdf.err"
rc=$?
[ "$rc" = 2 ] || no "--pdf without Chromium exited $rc (want 2)"
grep -q "PDF needs Chromium" "$tmp/nopdf.err" || no "--pdf without Chromium does not say so: $(cat "$tmp/nopdf.err")"
[ ! -e "$tmp/nopdf" ] || no "--pdf without Chromium wrote $tmp/nopdf"
exit $fail
