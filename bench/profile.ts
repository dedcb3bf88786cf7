// Reads a V8 CPU profile (node --cpu-prof) and lists where the time went: self time per function, and
// the time spent under each function of Vigia's own code (inclusive).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

const name = (n: ProfileNode): string => {
  const file = n.callFrame.url.replace(/^.*\/(src|bench|node_modules)\//, '$1/')
  return `${n.callFrame.functionName || '(anonymous)'} ${file}`.trim()
}

/**
 * The `top` functions by self time, and Vigia's functions (src/) by inclusive time, in % of the profile;
 * nothing for a thread that was idle nearly all along (the tsx loader's, a waiting worker's).
 */
export function summarize(path: string, top = 12): string[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    const leaf = name(byId.get(id)!)
    self.set(leaf, (self.get(leaf) ?? 0) + dt)
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = name(byId.get(at)!)
      if (seen.has(key) || !key.includes(' src/')) continue
      seen.add(key)
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt)
    }
  })
  const total = profile.endTime - profile.startTime
  if ((self.get('(idle)') ?? 0) > 0.9 * total) return []
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, t]) => `${((t / total) * 100).toFixed(1).padStart(5)} %  ${key}`)
  return ['self time:', ...list(self), 'inclusive, Vigia code:', ...list(inclusive)]
}

/** Every profile written under `dir`. */
export function profilesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
}
