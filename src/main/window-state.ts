// The window opens where it was closed: bounds saved to a small JSON file in the user-data folder, and used
// again only if they still fit on a display (a monitor may have been unplugged).
import { readFileSync, writeFileSync } from 'node:fs'
import { z } from 'zod'

const windowState = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(400),
  height: z.number().int().min(300),
  maximized: z.boolean().default(false),
})
export type WindowState = z.output<typeof windowState>

export interface Area {
  x: number
  y: number
  width: number
  height: number
}

export const DEFAULT_SIZE = { width: 1400, height: 900 }

export function loadWindowState(file: string, displays: readonly Area[]): WindowState | undefined {
  let state: WindowState
  try {
    state = windowState.parse(JSON.parse(readFileSync(file, 'utf8')))
  } catch {
    return undefined
  }
  // At least the title bar's middle must be on some display, or the window could not be grabbed.
  const cx = state.x + state.width / 2
  const visible = displays.some(
    (d) => cx >= d.x && cx < d.x + d.width && state.y >= d.y && state.y < d.y + d.height,
  )
  return visible ? state : undefined
}

export function saveWindowState(file: string, state: WindowState): void {
  writeFileSync(file, JSON.stringify(state))
}
