// Where the desktop app keeps its data: Electron's userData folder for an app named "Vigia". The CLI and
// the headless mode use the same file by default so that all three see one database.
import { homedir } from 'node:os'
import { join } from 'node:path'

export const APP_NAME = 'Vigia'
export const DB_FILE = 'vigia.db'

export function userDataDir(platform = process.platform, env = process.env, home = homedir()): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_NAME)
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME)
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), APP_NAME)
}

/** VIGIA_DB overrides the default, for a team box or a test. */
export function defaultDbPath(): string {
  return process.env.VIGIA_DB ?? join(userDataDir(), DB_FILE)
}
