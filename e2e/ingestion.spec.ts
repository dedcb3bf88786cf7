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
  await screenshot(page, 'ingestion')

  const result = await simulate
  expect(result.code, result.stderr).toBe(0)
  await expect(row).toHaveCount(0)
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
