export { formatBitRate, formatBytes, formatIdleTimeout, formatShare } from '../../../shared/units'

const zone = Intl.DateTimeFormat().resolvedOptions().timeZone

/** Local time with the zone shown, as a network engineer reads a log. */
export function formatTime(ms: number, withDate = false): string {
  const options: Intl.DateTimeFormatOptions = {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }
  if (withDate) Object.assign(options, { year: 'numeric', month: '2-digit', day: '2-digit' })
  return `${new Intl.DateTimeFormat(undefined, options).format(ms)} ${zoneName(ms)}`
}

export function zoneName(ms = Date.now()): string {
  const part = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' })
    .formatToParts(ms)
    .find((p) => p.type === 'timeZoneName')
  return part?.value ?? zone
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat().format(Math.round(n))
}

/**
 * The window of a usage figure: `span` ("10 s", "last min") at T, or for a live view, whose usage is read a
 * minute behind T (Overview.usageAt), the span to the time it ends.
 */
export function usageSpan(o: { at: number; usageAt: number }, span: string): string {
  return o.usageAt === o.at ? span : `${span.replace(/^last /, '1 ')} to ${formatTime(o.usageAt)}`
}
