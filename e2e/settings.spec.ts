/// <reference lib="dom" />
// The Settings page against a real `vigia serve`: the server inventory edited in place, imported from a
// picked and from a dropped CSV file (all rows or none), and thresholds that are checked and persist.
import type { Page } from '@playwright/test'
import { expect, screenshot, test } from './fixtures'

const HEADER = 'server,name,region,max_connections,capacity_mbps'
const GOOD_ROWS = [
  'ap-01,BNG Pelotas,RS,2000,10000',
  'ap-02,BNG Rio Grande,RS,1500,5000',
  'ap-03,,SC,800,2500',
]

/** Drops a file the way a browser does, on an element inside the inventory panel: the drop bubbles. */
async function dropOnInventory(page: Page, name: string, content: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, content }) => {
      const transfer = new DataTransfer()
      transfer.items.add(new File([content], name, { type: 'text/csv' }))
      return transfer
    },
    { name, content },
  )
  await page.dispatchEvent('[data-panel="settings-inventory"] .panel-body', 'drop', { dataTransfer })
  await dataTransfer.dispose()
}

test('adds, edits and deletes servers, imports an inventory file and saves thresholds that persist', async ({
  page,
  vigia,
}) => {
  await page.goto(`${vigia.uiUrl}#/settings`)
  await expect(page.getByTestId('settings-page')).toBeVisible()
  await expect(page.getByTestId('inventory-empty')).toBeVisible()

  // Add: a wrong row is refused in the form, with the field named, before anything is sent.
  await page.getByTestId('inventory-add').click()
  await page.getByLabel('Server id of the new server').fill('bng-01')
  await page.getByLabel('Name of the new server').fill('BNG Porto Alegre')
  await page.getByLabel('Region of the new server').fill('RS')
  await page.getByLabel('Max connections of the new server').fill('0')
  await page.getByLabel('Capacity in Mb/s of the new server').fill('10000')
  await page.getByTestId('inventory-save').click()
  await expect(page.getByTestId('inventory-form-row')).toContainText('A whole number above 0.')
  await page.getByLabel('Max connections of the new server').fill('5000')
  await page.getByLabel('Max connections of the new server').press('Enter')
  const bng = page.locator('[data-testid="inventory-row"][data-server="bng-01"]')
  await expect(bng).toContainText('BNG Porto Alegre')
  await expect(bng).toContainText('5,000')

  // Edit in place.
  await page.getByRole('button', { name: 'Edit bng-01' }).click()
  await page.getByLabel('Capacity in Mb/s of server bng-01').fill('20000')
  await page.getByTestId('inventory-save').click()
  await expect(bng).toContainText('20,000')
  await expect(page.getByTestId('inventory-form-row')).toHaveCount(0)

  // Import a file with one bad row: nothing is saved, and the error names its line and field.
  const bad = [HEADER, GOOD_ROWS[0], 'ap-02,BNG Rio Grande,RS,lots,5000', GOOD_ROWS[2]].join('\n')
  await page
    .getByTestId('inventory-file-input')
    .setInputFiles({ name: 'inventory.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) })
  const result = page.getByTestId('inventory-import-result')
  await expect(result).toContainText('Nothing was imported from inventory.csv')
  await expect(page.getByTestId('inventory-import-errors').getByRole('listitem')).toHaveText([
    /^line 3: maxConnections /,
  ])
  await expect(page.getByTestId('inventory-row')).toHaveCount(1)
  await screenshot(page, 'settings')

  // The fixed file dropped on the panel is imported as an inventory, not as events by the window's drop zone.
  await dropOnInventory(page, 'inventory.csv', [HEADER, ...GOOD_ROWS].join('\n'))
  await expect(result).toHaveText('Imported 3 servers from inventory.csv.')
  await expect(page.getByTestId('inventory-row')).toHaveCount(4)
  await expect(page).toHaveURL(/#\/settings$/)
  await expect(page.locator('.drop-overlay')).toHaveCount(0)

  // Delete asks once more before it deletes.
  await page.getByRole('button', { name: 'Delete ap-03' }).click()
  await page.getByTestId('inventory-delete-confirm').click()
  await expect(page.locator('[data-testid="inventory-row"][data-server="ap-03"]')).toHaveCount(0)
  await expect(page.getByTestId('inventory-row')).toHaveCount(3)

  // Thresholds: a clear level above the raise level cannot be saved; valid changes are, and persist.
  const save = page.getByTestId('thresholds-save')
  await expect(save).toBeDisabled()
  await page.getByTestId('threshold-overloadClearPct').fill('90')
  await expect(page.getByTestId('threshold-overloadClearPct-error')).toContainText('raise level (85 %)')
  await expect(save).toBeDisabled()
  await page.getByTestId('threshold-overloadRaisePct').fill('95')
  await expect(page.getByTestId('threshold-overloadClearPct-error')).toHaveCount(0)
  await page.getByTestId('threshold-heavyThresholdMbps').fill('80')
  await save.click()
  await expect(page.getByTestId('thresholds-status')).toContainText('Saved at')

  await page.reload()
  await expect(page.getByTestId('threshold-overloadRaisePct')).toHaveValue('95')
  await expect(page.getByTestId('threshold-overloadClearPct')).toHaveValue('90')
  await expect(page.getByTestId('threshold-heavyThresholdMbps')).toHaveValue('80')
  await expect(page.getByTestId('inventory-row')).toHaveCount(3)
  await expect(bng).toContainText('20,000')
})
