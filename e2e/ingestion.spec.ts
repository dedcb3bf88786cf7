// The Ingestion page against a real `vigia serve`: a device app (vigia simulate) streaming to the endpoint,
// and the demo feed switched on and off.
import { expect, screenshot, test } from './fixtures'

test('lists a connected device app with its event rate while it streams', async ({ page, vigia }) => {
  await page.goto(`${vigia.uiUrl}#/ingestion`)
  await expect(page.getByTestId('ingest-url')).toHaveText(vigia.ingestUrl)
  await expect(page.getByText('No device app is connected')).toBeVisible()
  await expect(page.getByTestId('db-path')).toHaveText(vigia.dbPath)

  const simulate = vigia.cli(['simulate', '--url', vigia.ingestUrl, '--rate', '500', '--duration', '8s'])
  const row = page.getByTestId('connection-row')
  await expect(row).toHaveCount(1)
  await expect(row.getByTestId('connection-rate')).not.toHaveText('0')
  await expect(row).toContainText('127.0.0.1')
  await expect(row).toContainText('Reading')
  await expect(page.getByTestId('figure-connections')).toContainText('1')
  // The engine's load while the app streams: some of its time, and how soon its frames are acked.
  const load = page.getByTestId('figure-engine-load')
  await expect(load).toContainText(/\d+ %/)
  await expect(load).toContainText(/frames acked within \d/)
  await expect(page.getByTestId('engine-saturated')).toHaveCount(0)
  await screenshot(page, 'ingestion')

  const result = await simulate
  expect(result.code, result.stderr).toBe(0)
  await expect(row).toHaveCount(0)
})

test('warns that Vigia is at its capacity while a device app sends more than the engine takes', async ({
  page,
  vigia,
}) => {
  await page.goto(`${vigia.uiUrl}#/ingestion`)
  await expect(page.getByTestId('figure-engine-load')).toContainText('no frames from device apps')
  // Far more than this machine's engine takes (docs/benchmarks.md): it is at work all the time.
  const simulate = vigia.cli(['simulate', '--url', vigia.ingestUrl, '--rate', '100000', '--duration', '16s'])
  const warning = page.getByTestId('engine-saturated')
  await expect(warning).toContainText('at its capacity', { timeout: 30_000 })
  await expect(warning).toContainText(/waited up to [\d.]+ (ms|s)/)
  await screenshot(page, 'ingestion-saturated')
  const result = await simulate
  expect(result.code, result.stderr).toBe(0)
  // Once the app is done, the engine is idle again and the warning goes.
  await expect(warning).toHaveCount(0, { timeout: 30_000 })
})

test('switches the demo feed on and off, with the demo banner', async ({ page, vigia }) => {
  await page.goto(`${vigia.uiUrl}#/ingestion`)
  const demo = page.getByRole('switch', { name: /Demo feed/ })
  await expect(demo).toHaveAttribute('aria-checked', 'false')
  await expect(page.getByTestId('demo-banner')).toHaveCount(0)

  await demo.click()
  await expect(demo).toHaveAttribute('aria-checked', 'true')
  await expect(page.getByTestId('demo-banner')).toContainText('A built-in simulator is feeding')
  await expect(page.getByTestId('demo-events')).not.toHaveText('0')

  await demo.click()
  await expect(demo).toHaveAttribute('aria-checked', 'false')
  // The feed is off; the banner only says that the database keeps the demo events it received.
  await expect(page.getByTestId('demo-banner')).not.toContainText('A built-in simulator is feeding')
  await expect(page.getByTestId('demo-banner')).toContainText('holds demo data')
})

test('shows per layer what retention keeps and what its next pass deletes, here and in Settings', async ({
  page,
  vigia,
}) => {
  for (const hash of ['#/ingestion', '#/settings']) {
    await page.goto(`${vigia.uiUrl}${hash}`)
    const rows = page.getByTestId('retention-row')
    await expect(rows).toHaveCount(8)
    await expect(rows.filter({ hasText: 'Silver events' })).toContainText('newest event')
    await expect(rows.filter({ hasText: 'Connected devices per second' })).toContainText('newest event')
    await expect(rows.filter({ hasText: 'Landing payloads' })).toContainText('arrival')
    await expect(rows.filter({ hasText: 'Silver events' }).getByTestId('retention-removable')).toHaveText(
      '0 rows',
    )
  }
  await screenshot(page, 'settings-retention')
})
