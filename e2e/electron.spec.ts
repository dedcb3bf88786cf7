// The desktop shell itself, driven by Playwright's Electron support. It needs the Electron binary, which
// cannot be downloaded on every machine (CI here): there it reports itself skipped, with the reason.
import { _electron as electron, expect, test } from '@playwright/test'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { ROOT, screenshot } from './fixtures'

const require = createRequire(import.meta.url)

function electronPath(): string | undefined {
  try {
    const dir = dirname(require.resolve('electron/package.json'))
    return existsSync(join(dir, 'path.txt')) ? (require('electron') as string) : undefined
  } catch {
    return undefined
  }
}

const binary = electronPath()

test.describe('the desktop app', () => {
  test.skip(!binary, 'the Electron binary is not installed on this machine (its download is not reachable)')

  test('opens the dashboard in a sandboxed window with no Node in the page', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vigia-electron-'))
    const app = await electron.launch({
      executablePath: binary!,
      args: [ROOT, '--no-sandbox'],
      cwd: ROOT,
      env: { ...process.env, XDG_CONFIG_HOME: home, VIGIA_INGEST_PORT: '0' },
    })
    try {
      const page = await app.firstWindow()
      await expect(page.getByRole('navigation', { name: 'Pages' })).toBeVisible()
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
        'undefined',
      )
      expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe(
        'undefined',
      )
      expect(
        await page.evaluate(() => Object.keys((globalThis as unknown as { vigia: object }).vigia).sort()),
      ).toEqual(['api', 'exportClients', 'onPush', 'pathForFile'])
      await screenshot(page, 'electron')
    } finally {
      await app.close()
      rmSync(home, { recursive: true, force: true })
    }
  })
})
