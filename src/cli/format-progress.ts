import type { ImportProgress } from '../pipeline/importers/import-file'
import { formatBytes } from '../shared/units'

export function formatProgress(p: ImportProgress): string {
  const percent = p.totalBytes > 0 ? Math.floor((p.bytesRead / p.totalBytes) * 100) : 100
  const eta = p.etaSeconds === null ? '' : `, ${Math.ceil(p.etaSeconds)} s left`
  return `${p.path}: ${percent} % (${formatBytes(p.bytesRead)} of ${formatBytes(p.totalBytes)}), ${p.records} records, ${Math.round(p.rate)} records/s${eta}   `
}
