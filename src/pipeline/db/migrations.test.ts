// The migrations are frozen: a database migrated once is never migrated again by the same number, so an
// edit to an old migration (or to code it ran) would leave databases migrated before and after the edit with
// different schemas or contents under one user_version.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from './migrations'

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations')

// The sha256 of each file of migrations/ but the index, as released. A new migration adds its file(s) and
// their hashes here.
const FROZEN: Record<string, string> = {
  '001-medallion.ts': '4709766bda487a64c1195be87b017380ca9060f1aca7b518bf0b0b9f21aeb6be',
  '002-alerts.ts': '8e3e58584a3a83e94bfd857ea960c61666501f3540cbd8ac5a083049e22ba97f',
  '003-client-usage-minute.ts': 'f36b74c65191a78b2fd75b0ba4274c35043391e662f25a1d2ab696310f0be101',
  '004-live-state.ts': '0251ca7f5de48eed2e929c04853fddae7806ad4090c10e37a72a2ef0f5a515ee',
  '005-client-servers.ts': 'd69fc66debc51143724f61ff87132ca321a0022b20d98bfb0bb865c9e5c616f2',
  '006-device-minutes.ts': '7df9b0f95e63c748478730a606cb5a4e8335353aeea571b6e08be2e84538f48b',
  '007-refold.ts': 'a6597d7cecbe7d6f53645ce43d4e0f23dfef5ada6644f2e9b319589dca7d619d',
  '007-usage-in-event-time.ts': 'ab1ad9af10d45ed527cefcd91fd9a56510457169c492d4d0485072756bb0d671',
  '008-frame-lineage.ts': 'bb815a1a610c53ce0c4e7434bfb0be07b4e1fe3dd0d75a1c8319347b9a8595e2',
  '009-client-usage-parts.ts': '981d9369c48e0faf9771f0694b3cdaa876d72e7ca2b1df183307cf1cdc1ab9fe',
  '010-drop-ts-index.ts': 'ff9a5046420976534adc721dc1f19c94ab19d8da1f4466840711a9b84fa17545',
  '011-parts-total.ts': 'b026c4c434fe576957e03b52f59fa26182d55c27bfa337d084ea95057f8bd3a5',
  '012-demo-payloads.ts': '6b8ee7ebd5309621fe82e41f1ff147a6f838bc650e6820e32531d80b475d7d71',
  '013-device-usage-ids.ts': '1daf9fa0f010afc543810c80c24837ca8cc47e62432d684305d0c5c6262b8dba',
  '014-latest-minute-in-devices.ts': 'aa5232b8139e424411b8a33237405c3cc5f80a55c02c16d9a8f086f661dd7b07',
  '015-multi-server-client-windows.ts': 'd95604e37056e9cc63b3e910fa77a5f8e801e2bd75ecc5fd226d8ddaf00e885c',
  '016-client-minutes.ts': '8d7cf57e4a911c774f018bf19f544b2ba7370d7370c8ae5d79522bd87021efb9',
  '017-connected-series.ts': '67279faf93f77f7ab2668f205a9ed45121bccbffbfc3427953328da005e65aef',
  '018-gold-file.ts': 'c7b5f226abb6d32686dee511d6c671a6bb21ed42826b2a01bfed93668bf2f8ad',
  '019-device-slots.ts': 'a71942c66f8e6ac546c8d1a28f448415e0c858d1ab56bdaf20e44ff9650187b2',
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'))
// Line endings as checked out on Windows do not make a migration another.
const textOf = (file: string) => readFileSync(join(DIR, file), 'utf8').replace(/\r\n/g, '\n')
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/**
 * The modules a file loads at run time: all it imports or re-exports but by `import type` and `export type`
 * (under verbatimModuleSyntax, `import { type X }` still loads its module).
 */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, textOf(file), ts.ScriptTarget.Latest, true)
  const found: string[] = []
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.importClause?.isTypeOnly) found.push(node.moduleSpecifier.text)
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      if (!node.isTypeOnly) found.push(node.moduleSpecifier.text)
    } else if (ts.isImportEqualsDeclaration(node)) {
      if (!node.isTypeOnly) found.push(node.moduleReference.getText(source))
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      const [arg] = node.arguments
      found.push(arg && ts.isStringLiteral(arg) ? arg.text : `dynamic: ${node.getText(source)}`)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

describe('migrations', () => {
  it('are frozen: no released migration file changed, none removed, each new one recorded', () => {
    const migrationFiles = files.filter((f) => f !== 'index.ts')
    for (const file of migrationFiles) {
      const hash = sha256(textOf(file))
      expect(
        FROZEN[file],
        `${file} is a new migration file: record its sha256 ${hash} in FROZEN`,
      ).toBeDefined()
      expect(hash, `${file} changed, but migrations are frozen: add a new one`).toBe(FROZEN[file])
    }
    for (const file of Object.keys(FROZEN))
      expect(migrationFiles, `${file} is gone, but migrations are frozen: add a new one`).toContain(file)
  })

  it('are numbered 1 to the last, one file each (and its helpers), all in MIGRATIONS', () => {
    const numbers = new Set(files.filter((f) => f !== 'index.ts').map((f) => Number(f.slice(0, 3))))
    expect([...numbers].sort((a, b) => a - b)).toEqual(MIGRATIONS.map((_, i) => i + 1))
  })

  it('import nothing but types from outside their folder', () => {
    for (const file of files) {
      for (const specifier of runtimeImports(file)) {
        const inside = specifier.startsWith('.') && !relative(DIR, resolve(DIR, specifier)).startsWith('..')
        expect(inside, `${file} imports ${specifier}: a migration must not run live code, copy it in`).toBe(
          true,
        )
      }
    }
  })
})
