/// <reference lib="dom" />
// The Import page against a real `vigia serve`: files dropped on the window (a real drop event carrying a
// File), their summaries, the history, the quarantine, and re-imports.
import type { Page } from '@playwright/test'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { expect, screenshot, test } from './fixtures'

const DEVICES = 200
const GOOD_EVENTS = 3000

/** Lines that break the v1 contract, each with the field and reason the quarantine must show. */
const badLines = (now: number) => [
  {
    text: JSON.stringify({
      id: 'bad-negative',
      ts: now - 60_000,
      type: 'usage',
      server: 'ap-0',
      device: 'dev-0',
      client: 'cli-0',
      bytes_down: 10,
      bytes_up: -5,
      note: 'a usage record whose upload counter went backwards',
    }),
    field: 'bytes_up',
    reason: 'must not be negative',
  },
  { text: 'this line is not JSON', field: '(record)', reason: 'invalid JSON' },
  {
    text: JSON.stringify({ id: 'bad-type', ts: now - 30_000, type: 'teleport', device: 'dev-1' }),
    field: 'type',
    reason: 'must be one of connect, disconnect, usage, flow',
  },
]

/** A connect for each device in the last five minutes, then usage: recent enough to count as connected now. */
function eventsFile(now: number): { content: string; bad: ReturnType<typeof badLines> } {
  const lines: string[] = []
  for (let d = 0; d < DEVICES; d++) {
    lines.push(
      JSON.stringify({
        id: `e2e-connect-${d}`,
        ts: now - 300_000 + d,
        type: 'connect',
        server: `ap-${d % 4}`,
        device: `dev-${d}`,
        client: `cli-${d % 150}`,
        device_type: d % 2 ? 'mobile' : 'computer',
        plan_mbps: 100,
      }),
    )
  }
  for (let i = 0; lines.length < GOOD_EVENTS; i++) {
    const d = i % DEVICES
    lines.push(
      JSON.stringify({
        id: `e2e-usage-${i}`,
        ts: now - 290_000 + i * 90,
        type: 'usage',
        server: `ap-${d % 4}`,
        device: `dev-${d}`,
        client: `cli-${d % 150}`,
        bytes_down: 250_000 + i,
        bytes_up: 20_000,
      }),
    )
  }
  const bad = badLines(now)
  // Spread through the file, so their line numbers are not simply the last ones.
  lines.splice(1500, 0, bad[1]!.text)
  lines.splice(10, 0, bad[0]!.text)
  lines.push(bad[2]!.text)
  return { content: lines.join('\n') + '\n', bad }
}

/** A file of the original generator: Portuguese fields, local times, Parquet. */
function seedParquet(rows: number): Buffer {
  const index = Array.from({ length: rows }, (_, i) => i)
  const pad = (n: number) => String(n).padStart(2, '0')
  return Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'Nome', data: index.map((i) => `Cliente ${i % 20}`), type: 'STRING' },
        { name: 'Endereco', data: index.map((i) => `Rua ${i % 7}, ${i}`), type: 'STRING' },
        { name: 'Ip', data: index.map((i) => `10.1.${Math.floor(i / 250)}.${i % 250}`), type: 'STRING' },
        {
          name: 'Hora_Conexao',
          data: index.map((i) => `2024-05-10 ${pad(8 + Math.floor(i / 60))}:${pad(i % 60)}:00`),
          type: 'STRING',
        },
        {
          name: 'Dispositivo_de_Acesso',
          data: index.map((i) => (i % 2 ? 'Celular' : 'Computador')),
          type: 'STRING',
        },
        { name: 'Velocidade_de_Conexao', data: index.map((i) => [50, 100, 300][i % 3]!), type: 'INT32' },
        {
          name: 'Status_Conexao',
          data: index.map((i) => (i % 5 === 4 ? 'Desconectado' : 'Conectado')),
          type: 'STRING',
        },
      ],
    }),
  )
}

/** Drops a file the way a browser does: a `drop` event whose DataTransfer holds a File. */
async function dropFile(page: Page, name: string, content: string | Buffer): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, base64 }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
      const transfer = new DataTransfer()
      transfer.items.add(new File([bytes], name))
      return transfer
    },
    { name, base64: Buffer.from(content).toString('base64') },
  )
  await page.dispatchEvent('body', 'drop', { dataTransfer })
  await dataTransfer.dispose()
}

const summaries = (page: Page, name: string) =>
  page.getByTestId('import-summary').and(page.locator(`[data-name="${name}"]`))

test('imports an NDJSON file dropped on any page, shows its counts and moves the overview figures', async ({
  page,
  vigia,
}) => {
  const { content } = eventsFile(Date.now())
  await page.goto(vigia.uiUrl)
  await expect(page.getByTestId('figure-connected')).toContainText(/^Connected devices0/)

  await dropFile(page, 'events.ndjson', content)
  await expect(page).toHaveURL(/#\/import$/)
  const summary = summaries(page, 'events.ndjson')
  await expect(summary).toHaveAttribute('data-status', 'done')
  await expect(summary.getByTestId('import-status')).toHaveText('Done')
  await expect(summary.getByTestId('summary-records')).toHaveText('3,003')
  await expect(summary.getByTestId('summary-accepted')).toHaveText('3,000')
  await expect(summary.getByTestId('summary-quarantined')).toHaveText('3')
  await expect(summary.getByTestId('summary-duplicates')).toHaveText('0')
  await expect(page.getByTestId('import-active')).toHaveCount(0)

  const history = page.getByTestId('history-row')
  await expect(history).toHaveCount(1)
  await expect(history.first()).toHaveAttribute('data-status', 'done')
  await expect(history.first()).toContainText('ndjson')

  await page.goto(`${vigia.uiUrl}#/`)
  await expect(page.getByTestId('figure-connected')).toContainText(
    `Connected devices${DEVICES}idle timeout 30 min`,
  )
})

test('imports a dropped Parquet file of seed records', async ({ page, vigia }) => {
  await page.goto(`${vigia.uiUrl}#/import`)
  await expect(page.getByTestId('import-page')).toBeVisible()
  await dropFile(page, 'seed.parquet', seedParquet(120))
  const summary = summaries(page, 'seed.parquet')
  await expect(summary).toHaveAttribute('data-status', 'done')
  await expect(summary).toContainText('parquet')
  await expect(summary.getByTestId('summary-accepted')).toHaveText('120')
  await expect(summary.getByTestId('summary-quarantined')).toHaveText('0')
  await expect(page.getByTestId('history-row').first()).toContainText('parquet')

  // Statuses of 2024 and no heartbeats: with the idle timeout of 30 min none is connected now; with none,
  // the devices whose latest status is a connect are.
  await page.goto(`${vigia.uiUrl}#/`)
  const connected = page.getByTestId('figure-connected')
  await expect(connected).toContainText(/^Connected devices0idle timeout 30 min/)
  await page.goto(`${vigia.uiUrl}#/settings`)
  await page.getByTestId('threshold-idleTimeoutMin-none').check()
  await expect(page.getByTestId('threshold-idleTimeoutMin')).toBeDisabled()
  await page.getByTestId('thresholds-save').click()
  await expect(page.getByTestId('thresholds-status')).toContainText('Saved at')
  await page.goto(`${vigia.uiUrl}#/`)
  await expect(connected).toContainText('no idle timeout')
  await expect(connected.locator('.figure-value')).not.toHaveText('0')
  await screenshot(page, 'overview-seed-no-idle-timeout')
})

test('lists the quarantined lines of a dropped file with their field and reason', async ({ page, vigia }) => {
  const { content, bad } = eventsFile(Date.now())
  await page.goto(`${vigia.uiUrl}#/import`)
  await expect(page.getByText('No record has been quarantined')).toBeVisible()
  await dropFile(page, 'events.ndjson', content)
  await expect(summaries(page, 'events.ndjson')).toHaveAttribute('data-status', 'done')

  const rows = page.getByTestId('quarantine-row')
  await expect(rows).toHaveCount(bad.length)
  // Newest first: the last bad line of the file was quarantined last.
  await expect(rows.first()).toContainText(bad[2]!.reason)
  for (const b of bad) {
    const row = rows.filter({ hasText: b.reason })
    await expect(row).toHaveCount(1)
    await expect(row).toContainText(b.field)
    // The source is the dropped file's own name, never the server's temporary copy.
    await expect(row).toContainText('events.ndjson')
    await expect(row).not.toContainText('.upload')
  }
  await expect(rows.filter({ hasText: 'invalid JSON' })).toContainText('this line is not JSON')
  await expect(rows.filter({ hasText: 'must not be negative' })).toContainText('11')

  // A long record is cut short until it is opened.
  const negative = rows.filter({ hasText: 'must not be negative' })
  await expect(negative.getByTestId('quarantine-raw')).not.toContainText('went backwards')
  await negative.getByRole('button', { name: /Show all of the record of line 11/ }).click()
  await expect(negative.getByTestId('quarantine-raw')).toContainText('went backwards')
  await screenshot(page, 'quarantine')
})

test('skips a re-dropped file, and imports it again as duplicates when forced', async ({ page, vigia }) => {
  const { content } = eventsFile(Date.now())
  await page.goto(`${vigia.uiUrl}#/import`)
  await expect(page.getByTestId('import-page')).toBeVisible()
  await dropFile(page, 'events.ndjson', content)
  await expect(summaries(page, 'events.ndjson')).toHaveCount(1)
  await expect(summaries(page, 'events.ndjson').first()).toHaveAttribute('data-status', 'done')

  await dropFile(page, 'events.ndjson', content)
  await expect(summaries(page, 'events.ndjson')).toHaveCount(2)
  const skipped = summaries(page, 'events.ndjson').first()
  await expect(skipped).toHaveAttribute('data-status', 'skipped')
  await expect(skipped.getByTestId('import-status')).toHaveText('Skipped')
  await expect(skipped.getByTestId('summary-message')).toContainText('Already imported')
  await expect(skipped.getByTestId('summary-accepted')).toHaveText('0')

  await page.getByLabel('Import again even if already imported').check()
  await dropFile(page, 'events.ndjson', content)
  await expect(summaries(page, 'events.ndjson')).toHaveCount(3)
  const forced = summaries(page, 'events.ndjson').first()
  await expect(forced).toHaveAttribute('data-status', 'done')
  await expect(forced.getByTestId('summary-accepted')).toHaveText('0')
  await expect(forced.getByTestId('summary-duplicates')).toHaveText('3,000')
  // The forced drop went to the page alone: no second, unforced import of the same drop.
  await expect(summaries(page, 'events.ndjson')).toHaveCount(3)
  await expect(page.locator('.drop-overlay')).toHaveCount(0)
  // A skipped file reads nothing and is not recorded: the history holds the two imports that ran.
  const history = page.getByTestId('history-row')
  await expect(history).toHaveCount(2)
  await expect(history.first()).toContainText('3,000')
  await screenshot(page, 'import')
})

test('imports a gzipped CSV file chosen with the keyboard-reachable file picker', async ({ page, vigia }) => {
  const now = Date.now()
  const rows = Array.from(
    { length: 500 },
    (_, i) => `csv-${i},${now - 60_000 + i},usage,ap-1,dev-${i % 25},cli-${i % 10},${1000 + i},${100 + i}`,
  )
  const csv = gzipSync(['id,ts,type,server,device,client,bytes_down,bytes_up', ...rows].join('\n'))
  await page.goto(`${vigia.uiUrl}#/import`)
  const picker = page.getByLabel('Choose files…')
  await picker.focus()
  await expect(picker).toBeFocused()
  await picker.setInputFiles({ name: 'usage.csv.gz', mimeType: 'application/gzip', buffer: csv })
  const summary = summaries(page, 'usage.csv.gz')
  await expect(summary).toHaveAttribute('data-status', 'done')
  await expect(summary).toContainText('csv')
  await expect(summary.getByTestId('summary-accepted')).toHaveText('500')
})

test('shows the progress of a large import and cancels it', async ({ page, vigia }) => {
  const now = Date.now()
  const lines = Array.from({ length: 400_000 }, (_, i) =>
    JSON.stringify({
      id: `big-${i}`,
      ts: now - 3_600_000 + (i % 3_600_000),
      type: 'usage',
      server: `ap-${i % 8}`,
      device: `dev-${i % 5000}`,
      client: `cli-${i % 2000}`,
      bytes_down: 1000 + (i % 997),
      bytes_up: 100,
    }),
  )
  await page.goto(`${vigia.uiUrl}#/import`)
  // Larger than Playwright passes in memory: written to a file first.
  const path = join(vigia.dir, 'big.ndjson')
  writeFileSync(path, lines.join('\n'))
  await page.getByLabel('Choose files…').setInputFiles(path)
  const running = page.getByTestId('import-active').filter({ hasText: 'big.ndjson' })
  await expect(running.getByTestId('progress-records')).not.toHaveText('0')
  await expect(running.getByRole('progressbar', { name: 'Progress of big.ndjson' })).toBeVisible()
  await running.getByRole('button', { name: 'Cancel the import of big.ndjson' }).click()
  const summary = summaries(page, 'big.ndjson')
  await expect(summary).toHaveAttribute('data-status', 'cancelled')
  await expect(summary.getByTestId('import-status')).toHaveText('Cancelled')
  await expect(running).toHaveCount(0)
  await expect(page.getByTestId('history-row').first()).toHaveAttribute('data-status', 'cancelled')
})

test('pages the quarantine, newest first, with Load more', async ({ page, vigia }) => {
  const bad = Array.from({ length: 130 }, (_, i) =>
    JSON.stringify({ id: `neg-${i}`, ts: Date.now(), type: 'flow', device: 'd', peer: 'p', bytes: -i - 1 }),
  )
  await page.goto(`${vigia.uiUrl}#/import`)
  await dropFile(page, 'bad.ndjson', bad.join('\n'))
  await expect(summaries(page, 'bad.ndjson').getByTestId('summary-quarantined')).toHaveText('130')
  const rows = page.getByTestId('quarantine-row')
  await expect(page.locator('[data-panel="quarantine"]')).toContainText('100 records shown')
  await expect(rows.first().locator('td.col-line')).toHaveText('130')
  await page.getByTestId('quarantine-load-more').click()
  await expect(page.locator('[data-panel="quarantine"]')).toContainText('130 records shown')
  await expect(page.getByTestId('quarantine-load-more')).toHaveCount(0)
  // The last page ends with the file's first line; rows out of view are not in the DOM.
  await page
    .getByTestId('quarantine-table')
    .locator('..')
    .evaluate((el) => (el.scrollTop = el.scrollHeight))
  await expect(rows.last().locator('td.col-line')).toHaveText('1')
  await expect(rows.last()).toContainText('must not be negative')
  expect(await rows.count()).toBeLessThan(130)
})
