// Units a network engineer reads: bit/s with SI prefixes, shares in percent.

const PREFIXES = ['', 'k', 'M', 'G', 'T', 'P']

export function formatBitRate(bps: number): string {
  let value = bps
  let i = 0
  while (Math.abs(value) >= 1000 && i < PREFIXES.length - 1) {
    value /= 1000
    i++
  }
  const digits = value === 0 || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2
  return `${value.toFixed(digits)} ${PREFIXES[i]}b/s`
}

export function formatShare(share: number | null): string {
  return share === null ? '–' : `${(share * 100).toFixed(1)} %`
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let value = bytes
  let i = 0
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000
    i++
  }
  return `${value.toFixed(i === 0 ? 0 : 1)} ${units[i]}`
}

/** The idle timeout the connected devices were counted with: "idle timeout 30 min", or "no idle timeout". */
export function formatIdleTimeout(minutes: number | null): string {
  return minutes === null ? 'no idle timeout' : `idle timeout ${minutes} min`
}
