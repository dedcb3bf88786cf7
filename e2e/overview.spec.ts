import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { expect, screenshot, test } from './fixtures'

/** The whole number a figure shows ("1,625" -> 1625). */
async function figureCount(page: Page, testId: string): Promise<number> {
  const text = (await page.getByTestId(testId).locator('.figure-value').textContent()) ?? ''
  return Number(text.replace(/[^\d]/g, ''))
}

const figureValue = (page: Page, testId: string): Locator => page.getByTestId(testId).locator('.figure-value')

/** Buckets with a non-zero value in a chart, as the chart states it. */
async function busy(page: Page, testId: string): Promise<number> {
  return Number((await page.getByTestId(testId).getAttribute('data-points')) ?? 0)
}

test('updates the overview live while the simulator streams events', async ({ page, vigia }) => {
  test.setTimeout(180_000)
  const errors: string[] = []
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  await page.goto(vigia.uiUrl)
  await expect(page.getByTestId('as-of')).toContainText('Live')
  await expect(figureValue(page, 'figure-connected')).toHaveText('0')
  await expect(page.locator('[data-panel="connections"]')).toContainText('No connect or disconnect')

  const simulation = vigia.cli([
    'simulate',
    '--url',
    vigia.ingestUrl,
    '--rate',
    '3000',
    '--duration',
    '12s',
    '--devices',
    '3000',
    '--servers',
    '6',
  ])

  await expect.poll(() => figureCount(page, 'figure-connected')).toBeGreaterThan(0)
  const first = await figureCount(page, 'figure-connected')
  const firstAt = await page.getByTestId('as-of').textContent()
  await expect.poll(() => figureCount(page, 'figure-connected')).toBeGreaterThan(first)
  await expect(page.getByTestId('as-of')).not.toHaveText(firstAt ?? '')
  // The figures a minute before come after the figures at T, and then every trend says how a figure moved.
  await expect(page.getByTestId('overview-figures')).not.toContainText('asking…')
  await expect(page.getByTestId('figure-connected')).toContainText(/(vs|=|no figure) ~1 min before/)
  await expect(figureValue(page, 'figure-connects')).not.toHaveText('0/s')
  await expect(figureValue(page, 'figure-provisioned')).not.toHaveText('0 b/s')
  await expect(figureValue(page, 'figure-high-plan-share')).toHaveText(/%$/)
  await expect.poll(() => busy(page, 'chart-connections')).toBeGreaterThan(0)
  await expect.poll(() => busy(page, 'chart-throughput')).toBeGreaterThan(0)
  await expect.poll(() => busy(page, 'chart-server-throughput')).toBeGreaterThan(0)
  await expect.poll(() => busy(page, 'chart-connected-devices')).toBeGreaterThan(0)
  await expect(page.getByTestId('chart-client-shares')).toBeVisible()
  await expect(page.getByTestId('chart-device-types')).toBeVisible()
  // The events keep up with now: nothing to say about their age.
  await expect(page.getByTestId('data-lag')).toHaveCount(0)

  const run = await simulation
  expect(run.code, run.stderr).toBe(0)
  await expect(page.getByTestId('chart-top-pairs')).toBeVisible()
  await expect(figureValue(page, 'figure-top-pair')).not.toHaveText('–')
  await screenshot(page, 'overview')
  // The feed has stopped: once its newest event is 10 s old, the page says the figures since are not in,
  // rather than let the rates fall to zero unexplained.
  const lag = page.getByTestId('data-lag')
  await expect(lag).toContainText(/The newest event is [\d.]+ s old/, { timeout: 20_000 })
  await expect(lag).toContainText('no newer event has come in')
  await screenshot(page, 'overview-lag')
  // Live, the throughput is read a minute behind, once the reports that cover those seconds are in: the
  // figure says to when, and shows the simulated traffic once that minute reaches it.
  const throughput = page.getByTestId('figure-throughput')
  await expect(throughput).toContainText(/Throughput \(10 s to \d{2}:\d{2}:\d{2}/)
  await expect(figureValue(page, 'figure-throughput')).toHaveText(/^[\d.]+ [kMG]b\/s$/, { timeout: 80_000 })
  expect(errors).toEqual([])
})

test('shows an imported hour of history when the 1 h range is picked', async ({ page, vigia }) => {
  const file = join(vigia.dir, 'd.ndjson')
  // 20,000 records at 8 per second span about 42 minutes, from 50 minutes ago: inside the last hour, and
  // recent enough that devices are still connected at its end.
  const start = new Date(Date.now() - 50 * 60_000).toISOString()
  const written = await vigia.cli([
    'simulate',
    '--to-file',
    file,
    '--events',
    '20000',
    '--rate',
    '8',
    '--start',
    start,
    '--devices',
    '600',
    '--servers',
    '4',
  ])
  expect(written.code, written.stderr).toBe(0)
  const imported = await vigia.cli(['import', file])
  expect(imported.code, imported.stderr).toBe(0)

  await page.goto(vigia.uiUrl)
  await page.getByRole('button', { name: '1 h', exact: true }).click()
  await expect(page.getByRole('button', { name: '1 h', exact: true })).toHaveAttribute('aria-pressed', 'true')
  await expect(page.getByTestId('as-of')).toContainText('Range')

  // Minute buckets over the hour: most of the 60 hold events.
  await expect.poll(() => busy(page, 'chart-connections')).toBeGreaterThan(30)
  await expect.poll(() => busy(page, 'chart-throughput')).toBeGreaterThan(30)
  await expect.poll(() => busy(page, 'chart-server-throughput')).toBeGreaterThan(30)
  // Connected devices are sampled every 2 minutes of the hour.
  await expect.poll(() => busy(page, 'chart-connected-devices')).toBeGreaterThan(15)
  await expect(page.getByTestId('chart-connections')).toHaveAttribute(
    'aria-label',
    /Connects peak [\d.,]+\/s/,
  )
  // The figures are those at the end of the range: devices seen in the last 30 minutes are still connected.
  await expect.poll(() => figureCount(page, 'figure-connected')).toBeGreaterThan(0)
  await expect(figureValue(page, 'figure-high-plan-share')).toHaveText(/%$/)
  await screenshot(page, 'overview-range')
})
