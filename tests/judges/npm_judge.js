// npm_judge.js: test-only judge for the npm differential test: answers JSON-array lines with the
// `semver` package (installed into tests/judges/node_modules by diff_npm.py).
'use strict'
const path = require('path')
const semver = require(path.join(__dirname, 'node_modules', 'semver'))
const readline = require('readline')

const opts = (flags) => ({ loose: !!(flags & 1), includePrerelease: !!(flags & 2) })
const out = []
const rl = readline.createInterface({ input: process.stdin, terminal: false })
rl.on('line', (line) => {
  const [cmd, a, b, flags] = JSON.parse(line)
  let r
  try {
    if (cmd === 'cmp') {
      r = semver.valid(a) && semver.valid(b) ? String(semver.compare(a, b)) : 'invalid'
    } else if (cmd === 'cmpf') {
      const o = opts(flags)
      r = semver.valid(a, o) && semver.valid(b, o) ? String(semver.compare(a, b, o)) : 'invalid'
    } else if (cmd === 'valid') {
      r = semver.valid(a, opts(b)) !== null ? '1' : '0'
    } else if (cmd === 'range') {
      const range = new semver.Range(a, opts(flags))
      r = range.test(b) ? '1' : '0'
    } else if (cmd === 'format') {
      r = '=' + new semver.Range(a, opts(b)).range
    } else {
      r = 'bad'
    }
  } catch (e) {
    r = 'invalid'
  }
  out.push(r)
})
rl.on('close', () => { process.stdout.write(out.join('\n') + (out.length ? '\n' : '')) })
