import type { Page } from '@playwright/test'
import WebSocket from 'ws'
import type { ApiArgs, ApiMethod, ApiResults } from '../src/shared/api'
import { expect, screenshot, test, type Vigia } from './fixtures'

/** One call through the same WebSocket API the UI uses. */
async function call<M extends ApiMethod>(vigia: Vigia, method: M, args: ApiArgs<M>): Promise<ApiResults[M]> {
  const ws = new WebSocket(`${vigia.uiUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/api`)
  try {
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    return await new Promise((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: string }
        if (message.id !== 1) return
        if (message.error !== undefined) reject(new Error(`${method}: ${message.error}`))
        else resolve(message.result as ApiResults[M])
      })
      ws.send(JSON.stringify({ id: 1, method, args }))
    })
  } finally {
    ws.close()
  }
}

const connectedOf = async (page: Page) =>
  (await page.getByTestId('server-row').locator('td:nth-child(2)').allTextContents()).map((text) =>
    Number(text.split('/')[0]!.replace(/[^\d]/g, '')),
  )

test('lists every server with its utilisation and opens a server page with its charts', async ({
  page,
  vigia,
}) => {
  test.setTimeout(180_000)
  const run = await vigia.cli([
    'simulate',
    '--url',
    vigia.ingestUrl,
    '--rate',
    '2000',
    '--duration',
    '6s',
    '--devices',
    '2000',
    '--servers',
    '5',
  ])
  expect(run.code, run.stderr).toBe(0)
  await vigia.goldCaughtUp()
  // Two servers in the inventory, sized so that one is critical (>= 85 %) and one at warning (75-85 %).
  const overview = await call(vigia, 'metrics:overview', {})
  const connected = new Map(overview.servers.map((s) => [s.server, s.connectedDevices]))
  const [critical, warning] = [...connected.keys()].sort()
  await call(vigia, 'inventory:upsert', {
    server: critical!,
    name: 'BNG Porto Alegre',
    region: 'RS',
    maxConnections: Math.floor(connected.get(critical!)! / 0.9),
    capacityMbps: 40_000,
  })
  await call(vigia, 'inventory:upsert', {
    server: warning!,
    name: 'BNG Pelotas',
    region: 'RS',
    maxConnections: Math.ceil(connected.get(warning!)! / 0.8),
    capacityMbps: 20_000,
  })

  await page.goto(`${vigia.uiUrl}#/servers`)
  const rows = page.getByTestId('server-row')
  await expect(rows).toHaveCount(5)
  await expect(page.getByTestId('figure-servers').locator('.figure-value')).toHaveText('5')
  await expect(rows.filter({ hasText: 'BNG Porto Alegre' })).toHaveAttribute('data-level', 'crit')
  await expect(rows.filter({ hasText: 'BNG Pelotas' })).toHaveAttribute('data-level', 'warn')
  await expect(page.getByTestId('figure-servers-crit').locator('.figure-value')).toHaveText('1')
  await expect(page.getByTestId('figure-servers-warn').locator('.figure-value')).toHaveText('1')
  // The servers outside the inventory are measured against the default capacity, and say so.
  await expect(page.getByTestId('default-capacity')).toHaveCount(3)
  const meters = page.getByRole('meter', { name: /connection utilisation/ })
  await expect(meters).toHaveCount(5)
  await expect(meters.first()).toHaveAttribute('aria-valuetext', /^\d+\.\d %$/)
  await expect.poll(async () => Math.max(...(await connectedOf(page)))).toBeGreaterThan(0)

  // Sorting by a header, with the keyboard too: numbers sort largest first, then the other way.
  const header = page.getByRole('columnheader', { name: /Connected \/ max/ })
  await header.getByRole('button').focus()
  await page.keyboard.press('Enter')
  await expect(header).toHaveAttribute('aria-sort', 'descending')
  const descending = await connectedOf(page)
  expect(descending).toEqual([...descending].sort((a, b) => b - a))
  await header.getByRole('button').click()
  await expect(header).toHaveAttribute('aria-sort', 'ascending')
  await expect(page.getByRole('columnheader', { name: /^Server/ })).toHaveAttribute('aria-sort', 'none')
  await screenshot(page, 'servers')

  await page.getByRole('link', { name: critical!, exact: true }).click()
  await expect(page).toHaveURL(new RegExp(`#/servers/${critical}$`))
  await expect(page.getByTestId('server-title')).toHaveText(critical!)
  await expect(page.getByTestId('server-page')).toContainText('BNG Porto Alegre · RS')
  await expect(page.getByTestId('figure-server-connected').locator('.figure-value')).toHaveText(
    `${connected.get(critical!)!.toLocaleString('en-US')} / ${Math.floor(connected.get(critical!)! / 0.9).toLocaleString('en-US')}`,
  )
  await expect(page.getByTestId('figure-server-connection-utilisation')).toContainText('critical')
  // Live, throughput is read a minute behind (docs/metrics.md): the simulated seconds show once it reaches them.
  await expect(page.getByTestId('figure-server-throughput').locator('.figure-value')).not.toHaveText(
    '0 b/s',
    {
      timeout: 90_000,
    },
  )
  for (const chart of [
    'chart-server-connections',
    'chart-server-throughput',
    'chart-server-connected-devices',
  ])
    await expect
      .poll(async () => Number(await page.getByTestId(chart).getAttribute('data-points')))
      .toBeGreaterThan(0)
  await screenshot(page, 'server')

  await page.getByRole('link', { name: 'Servers', exact: true }).last().click()
  await expect(page.getByTestId('servers-page')).toBeVisible()
})
