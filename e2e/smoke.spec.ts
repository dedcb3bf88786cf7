import { expect, screenshot, test } from './fixtures'

test('opens the UI from the headless server with its strict CSP and no console errors', async ({
  page,
  vigia,
}) => {
  const errors: string[] = []
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  const response = await page.goto(vigia.uiUrl)
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'")
  await expect(page.getByRole('navigation', { name: 'Pages' })).toBeVisible()
  await screenshot(page, 'smoke')
  expect(errors).toEqual([])
})
