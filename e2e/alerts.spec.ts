/// <reference lib="dom" />
// Alerts end to end against a real `vigia serve`: a server made tiny in Settings overloads under simulated
// traffic, the alert fires in event time, the browser is notified, and the engineer acknowledges it.
import { expect, screenshot, test } from './fixtures'

interface Recorded {
  title: string
  body: string
}

test('fires an overload alert for a tiny server, notifies the browser, and records its acknowledgement', async ({
  page,
  vigia,
}) => {
  // Event-time minutes must pass: the rule judges a whole minute once events a minute past its end are in
  // (docs/alerts.md), so the simulation runs for 150 s: the first whole minute ends within 60 s of its start.
  test.setTimeout(330_000)
  await page.addInitScript(() => {
    const recorded: { title: string; body: string }[] = []
    Object.assign(window, { __notifications: recorded })
    class RecordingNotification {
      static permission: NotificationPermission = 'granted'
      static requestPermission = () => Promise.resolve<NotificationPermission>('granted')
      onclick: (() => void) | null = null
      constructor(title: string, options?: NotificationOptions) {
        recorded.push({ title, body: options?.body ?? '' })
      }
      close() {}
    }
    Object.defineProperty(window, 'Notification', { value: RecordingNotification, configurable: true })
  })

  // Through the Settings page: no pending time, and ap-01 far too small for its traffic.
  await page.goto(`${vigia.uiUrl}#/settings`)
  await page.getByTestId('threshold-overloadForMin').fill('0')
  await page.getByTestId('thresholds-save').click()
  await expect(page.getByTestId('thresholds-status')).toContainText('Saved at')
  await page.getByTestId('inventory-add').click()
  await page.getByLabel('Server id of the new server').fill('ap-01')
  await page.getByLabel('Max connections of the new server').fill('1000')
  await page.getByLabel('Capacity in Mb/s of the new server').fill('1')
  await page.getByTestId('inventory-save').click()
  await expect(page.locator('[data-testid="inventory-row"][data-server="ap-01"]')).toBeVisible()

  const simulation = vigia.cli([
    'simulate',
    '--url',
    vigia.ingestUrl,
    '--rate',
    '2000',
    '--duration',
    '150s',
    '--devices',
    '2000',
    '--servers',
    '4',
  ])

  await page.getByRole('link', { name: 'Alerts', exact: true }).click()
  await expect(page.getByTestId('alerts-page')).toBeVisible()
  // The stub says notifications are allowed, so there is nothing to ask.
  await expect(page.getByTestId('enable-notifications')).toHaveCount(0)
  await expect(page.getByTestId('notification-permission')).toHaveAttribute('data-permission', 'granted')
  const alert = page
    .locator('[data-panel="alerts-firing"]')
    .locator('[data-testid="alert-item"][data-rule="server-overloaded"][data-subject="ap-01"]')
  await expect(alert).toContainText('Server ap-01 overloaded', { timeout: 170_000 })
  await expect(alert).toHaveAttribute('data-state', 'firing')
  await expect(alert.getByTestId('alert-historical')).toHaveCount(0)
  await expect(alert.getByRole('link', { name: 'ap-01', exact: true })).toHaveAttribute(
    'href',
    '#/servers/ap-01',
  )

  // The host pushes due notifications every 10 s; the page shows them with the Notification API.
  await expect
    .poll(
      async () =>
        (
          await page.evaluate(() => (window as unknown as { __notifications: Recorded[] }).__notifications)
        ).filter((n) => `${n.title}\n${n.body}`.includes('Server ap-01 overloaded')).length,
      { timeout: 30_000 },
    )
    .toBeGreaterThan(0)

  await alert.getByTestId('alert-ack-open').click()
  await alert.getByLabel('Your name').fill('Ana (NOC)')
  await alert.getByLabel(/^Comment/).fill('moving customers to ap-02')
  await alert.getByTestId('alert-action-submit').click()
  await expect(alert.getByTestId('alert-ack')).toContainText('Acknowledged by Ana (NOC)')
  await expect(alert.getByTestId('alert-ack')).toContainText('moving customers to ap-02')
  await expect(alert.getByTestId('alert-ack-open')).toHaveCount(0)
  await screenshot(page, 'alerts')

  const id = await alert.getAttribute('data-alert-id')
  await alert.getByTestId('alert-details-link').click()
  await expect(page).toHaveURL(new RegExp(`#/alerts/${id}$`))
  await expect(page.getByTestId('alert-title')).toHaveText('Server overloaded: ap-01')
  const log = page.getByTestId('alert-log')
  await expect(log.locator('[data-kind="firing"]')).toHaveCount(1)
  await expect(log.locator('[data-kind="ack"]')).toContainText('Ana (NOC)')
  await expect(log.locator('[data-kind="ack"]')).toContainText('moving customers to ap-02')
  const chart = page.getByTestId('chart-alert-evidence')
  await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0)
  await expect(chart.locator('canvas')).toBeVisible()

  // The name is remembered: silencing asks for it again pre-filled.
  await page.getByTestId('alert-silence-open').click()
  await expect(page.getByLabel('Your name')).toHaveValue('Ana (NOC)')
  await page.getByLabel('Silence for').selectOption({ label: '4 h' })
  await page.getByLabel(/^Comment/).fill('maintenance window')
  await page.getByTestId('alert-action-submit').click()
  await expect(page.getByTestId('alert-silenced')).toContainText('Silenced until')
  await expect(log.locator('[data-kind="silence"]')).toContainText('240 min: maintenance window')
  await screenshot(page, 'alert')

  const run = await simulation
  expect(run.code, run.stderr).toBe(0)
})
