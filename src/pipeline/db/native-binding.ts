// better-sqlite3 is a native addon: Node and Electron need builds for different ABIs. The Node build
// lives where npm put it; the Electron build is made by scripts/electron-native.js into build/native
// and chosen here when we run inside Electron. See docs/development.md.
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export function nativeBindingPath(): string | undefined {
  if (!process.versions.electron) return undefined
  const fromEnv = process.env.VIGIA_SQLITE_BINDING
  if (fromEnv) return fromEnv
  const candidate = join(
    process.cwd(),
    'build',
    'native',
    `electron-${process.versions.electron}`,
    'better_sqlite3.node',
  )
  return existsSync(candidate) ? candidate : undefined
}
