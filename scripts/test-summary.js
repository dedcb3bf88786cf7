// Prints one plain closing line per suite from the JSON reports, e.g. "unit: 138 passed, 0 failed".
import { existsSync, readFileSync } from 'node:fs'

for (const [suite, file] of [
  ['unit', 'test-results/unit.json'],
  ['e2e', 'test-results/e2e.json'],
]) {
  if (!existsSync(file)) continue
  const report = JSON.parse(readFileSync(file, 'utf8'))
  // Vitest writes Jest-style totals; Playwright writes stats.
  const passed = report.numPassedTests ?? report.stats?.expected ?? 0
  const failed = report.numFailedTests ?? report.stats?.unexpected ?? 0
  const skipped = report.numPendingTests ?? report.stats?.skipped ?? 0
  console.log(`${suite}: ${passed} passed, ${failed} failed, ${skipped} skipped`)
}
