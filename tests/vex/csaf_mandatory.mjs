// csaf_mandatory.mjs: judge CSAF documents from outside with BSI's @secvisogram/csaf-validator-lib:
// the strict CSAF 2.0 schema test and every mandatory test (CSAF 2.0 section 6.1, the VEX profile's
// 6.1.27.x among them). Prints each error and exits 1 when any document has one.
//
// usage: node csaf_mandatory.mjs NODE_MODULES_DIR FILE...
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const [modules, ...files] = process.argv.slice(2)
const lib = join(modules, '@secvisogram', 'csaf-validator-lib')
const load = (f) => import(pathToFileURL(join(lib, f)).href)
const validateStrict = (await load('validateStrict.js')).default
const mandatory = await load('mandatoryTests.js')
const { csaf_2_0_strict } = await load('schemaTests.js')
const tests = [csaf_2_0_strict, ...Object.values(mandatory)]

let failed = 0
for (const file of files) {
  const doc = JSON.parse(readFileSync(file, 'utf8'))
  const result = await validateStrict(tests, doc)
  for (const t of result.tests) {
    for (const e of t.errors ?? []) {
      console.log(`${file}: ${t.name}: ${e.instancePath}: ${e.message}`)
      failed++
    }
  }
  console.log(`${file}: ${tests.length} tests, ${result.isValid ? 'valid' : 'INVALID'}`)
  if (!result.isValid) failed++
}
process.exit(failed ? 1 : 0)
