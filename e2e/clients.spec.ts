import { writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { expect, screenshot, test, type Vigia } from './fixtures'

const CSV_HEADER = 'client,server,bps,shareOfServer,devices,planMbps,planClass,lastSeen,heavy'

// Three clients far above the 50 Mb/s threshold: 3, 2.5 and 2 GB in the last 5 minutes are 80, 66.7 and
// 53.3 Mb/s. The simulated clients stay far below it.
const HEAVY = [
  { client: 'vip-heavy-1', bytes: 3_000_000_000 },
  { client: 'vip-heavy-2', bytes: 2_500_000_000 },
  { client: 'vip-heavy-3', bytes: 2_000_000_000 },
]

async function loadTraffic(vigia: Vigia): Promise<void> {
  const now = Date.now()
  const simulated = join(vigia.dir, 'traffic.ndjson')
  const start = new Date(now - 2 * 60_000).toISOString()
  const sim = await vigia.cli([
    'simulate',
    '--to-file',
    simulated,
    '--events',
    '30000',
    '--start',
    start,
    '--devices',
    '4000',
  ])
  expect(sim.code, sim.stderr).toBe(0)

  const heavy = join(vigia.dir, 'heavy.ndjson')
  const events = HEAVY.flatMap(({ client, bytes }, i) => [
    {
      id: `h${i}c`,
      type: 'connect',
      ts: now - 90_000,
      server: 'ap-01',
      device: `hd-${i}`,
      client,
      plan_mbps: 500,
    },
    {
      id: `h${i}u`,
      type: 'usage',
      ts: now - 60_000,
      server: 'ap-01',
      device: `hd-${i}`,
      client,
      bytes_down: bytes,
      bytes_up: 0,
    },
  ])
  writeFileSync(heavy, events.map((e) => JSON.stringify(e)).join('\n') + '\n')

  for (const file of [simulated, heavy]) {
    const run = await vigia.cli(['import', file])
    expect(run.code, run.stderr).toBe(0)
  }
}

const count = async (page: Page): Promise<number> =>
  Number(await page.getByTestId('clients-count').getAttribute('data-count'))

const row = (page: Page, index: number): Locator =>
  page.locator(`[data-testid="client-row"][data-index="${index}"]`)

async function downloadCsv(page: Page): Promise<string[]> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('clients-export').click(),
  ])
  expect(download.suggestedFilename()).toBe('vigia-clients.csv')
  const text = await readFile(await download.path(), 'utf8')
  return text.split(/\r?\n/).filter((line) => line !== '')
}

test('heavy users: the engine sorts, filters and pages 1,400 clients as the table scrolls, and exports the view', async ({
  page,
  vigia,
}) => {
  // Simulating and importing 30,000 events comes first.
  test.setTimeout(180_000)
  const errors: string[] = []
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  await loadTraffic(vigia)

  await page.goto(`${vigia.uiUrl}#/clients`)
  const table = page.getByTestId('clients-table')
  await expect(row(page, 0)).toBeVisible()
  await expect(page.getByTestId('clients-threshold')).toHaveAttribute('data-threshold', '50')
  const total = await count(page)
  expect(total).toBeGreaterThan(1000)
  await expect(page.getByTestId('clients-count')).toHaveText(/clients/)

  // Throughput, highest first by default: the heaviest client leads.
  const throughput = page.getByRole('columnheader', { name: /Throughput/ })
  await expect(throughput).toHaveAttribute('aria-sort', 'descending')
  await expect(row(page, 0)).toHaveAttribute('data-client', 'vip-heavy-1')
  await expect(row(page, 1)).toHaveAttribute('data-client', 'vip-heavy-2')
  await screenshot(page, 'clients')

  // Only the rows in view are in the DOM.
  expect(await page.getByTestId('client-row').count()).toBeLessThan(100)

  // Lowest first, from the keyboard: the first row is now one of the quietest clients.
  await page.getByTestId('sort-bps').focus()
  await page.keyboard.press('Enter')
  await expect(throughput).toHaveAttribute('aria-sort', 'ascending')
  await expect(row(page, 0)).not.toHaveAttribute('data-client', /vip-heavy/)
  const lowest = Number(await row(page, 0).getAttribute('data-bps'))
  expect(lowest).toBeLessThanOrEqual(Number(await row(page, 1).getAttribute('data-bps')))
  expect(lowest).toBeLessThan(1e6)
  // The heaviest is now the very last row: scrolling to the bottom loads its page.
  await expect(row(page, total - 1)).toHaveCount(0)
  await table.evaluate((el) => el.scrollTo({ top: el.scrollHeight }))
  await expect(row(page, total - 1)).toHaveAttribute('data-client', 'vip-heavy-1')
  await expect(row(page, total - 1)).toBeInViewport()

  // Back to highest first with a click; the table opens at the top of the new order.
  await page.getByTestId('sort-bps').click()
  await expect(throughput).toHaveAttribute('aria-sort', 'descending')
  await expect(row(page, 0)).toHaveAttribute('data-client', 'vip-heavy-1')
  await expect(row(page, 0)).toBeInViewport()

  // Sorting another column, both ways.
  const client = page.getByRole('columnheader', { name: 'Client', exact: true })
  await page.getByTestId('sort-client').click()
  await expect(client).toHaveAttribute('aria-sort', 'ascending')
  const firstAscending = await row(page, 0).getAttribute('data-client')
  await page.getByTestId('sort-client').click()
  await expect(client).toHaveAttribute('aria-sort', 'descending')
  await expect(row(page, 0)).toHaveAttribute('data-client', 'vip-heavy-3')
  expect(firstAscending! < 'vip-heavy-3').toBe(true)
  await page.getByTestId('sort-bps').click()
  await expect(throughput).toHaveAttribute('aria-sort', 'descending')

  // Search narrows rows and count.
  await page.getByLabel('Search', { exact: true }).fill('vip-heavy')
  await expect(page.getByTestId('clients-count')).toHaveAttribute('data-count', '3')
  await expect(page.getByTestId('client-row')).toHaveCount(3)
  await expect(page.getByTestId('clients-count')).toHaveText('3 matching clients')
  await page.getByLabel('Search', { exact: true }).fill('no-such-client')
  await expect(page.getByTestId('clients-count')).toHaveAttribute('data-count', '0')
  await expect(page.getByText('No clients match these filters.')).toBeVisible()
  await page.getByLabel('Search', { exact: true }).fill('')
  await expect(page.getByTestId('clients-count')).toHaveAttribute('data-count', String(total))

  // A server, then a plan class: every row shown belongs to them.
  await page.getByLabel('Server', { exact: true }).selectOption('ap-01')
  await expect(page.getByTestId('clients-count')).not.toHaveAttribute('data-count', String(total))
  const onServer = await count(page)
  expect(onServer).toBeGreaterThan(3)
  await expect(row(page, 0)).toHaveAttribute('data-client', 'vip-heavy-1')
  const servers = await page.locator('[data-testid="client-row"] .col-server').allTextContents()
  expect(new Set(servers)).toEqual(new Set(['ap-01']))
  await page.getByLabel('Plan class', { exact: true }).selectOption('low')
  await expect(page.getByTestId('clients-count')).not.toHaveAttribute('data-count', String(onServer))
  await expect(row(page, 0)).not.toHaveAttribute('data-client', /vip-heavy/)
  const classes = await page.locator('[data-testid="client-row"] .col-planClass').allTextContents()
  expect(new Set(classes)).toEqual(new Set(['Low']))
  await page.getByRole('button', { name: 'Clear filters' }).click()
  await expect(page.getByTestId('clients-count')).toHaveAttribute('data-count', String(total))

  // Heavy only: just the three.
  await page.getByTestId('clients-heavy-only').click()
  await expect(page.getByTestId('clients-heavy-only')).toHaveAttribute('aria-pressed', 'true')
  await expect(page.getByTestId('clients-count')).toHaveAttribute('data-count', '3')
  await expect(page.locator('[data-testid="client-row"][data-heavy="true"]')).toHaveCount(3)
  await expect(page.locator('[data-testid="client-row"][data-heavy="false"]')).toHaveCount(0)

  // The export is the view on screen: header and the three heavy users, heaviest first.
  const heavyCsv = await downloadCsv(page)
  expect(heavyCsv[0]).toBe(CSV_HEADER)
  expect(heavyCsv.slice(1).map((line) => line.split(',')[0])).toEqual(HEAVY.map((h) => h.client))

  // Without filters, one line per client.
  await page.getByTestId('clients-heavy-only').click()
  await expect(page.getByTestId('clients-count')).toHaveAttribute('data-count', String(total))
  const allCsv = await downloadCsv(page)
  expect(allCsv[0]).toBe(CSV_HEADER)
  expect(allCsv).toHaveLength(total + 1)

  expect(errors).toEqual([])
})
