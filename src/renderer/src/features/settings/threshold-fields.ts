// The alert thresholds, the idle timeout and the default capacity as form fields: what each means, its unit
// and its limits (the same as src/shared/settings.ts), checked in the form before anything is sent.
import type { ApiArgs } from '../../../../shared/api'
import type { PipelineSettings } from '../../../../shared/settings'

type AlertKey = keyof PipelineSettings['alerts']
type TopKey = 'idleTimeoutMin' | 'heavyThresholdMbps' | 'defaultMaxConnections' | 'defaultCapacityMbps'
export type ThresholdKey = AlertKey | TopKey

export interface ThresholdField {
  key: ThresholdKey
  label: string
  unit: string
  help: string
  /** 'positive': above 0; 'nonNegative': 0 or more. */
  floor: 'positive' | 'nonNegative'
  max?: number
  integer?: boolean
  /** The label of "no value" (the setting's null), when the field may have none. */
  none?: string
}

/** The draft text of a field set to none (null). */
export const NONE = 'none'

export interface ThresholdGroup {
  title: string
  fields: ThresholdField[]
}

export const THRESHOLD_GROUPS: ThresholdGroup[] = [
  {
    title: 'Connected devices',
    fields: [
      {
        key: 'idleTimeoutMin',
        label: 'Idle timeout',
        unit: 'min',
        help:
          'A device with no event for this long stops counting as connected. Choose never for status ' +
          'snapshots that send no heartbeats (seed records). Applies at once, to past times too.',
        floor: 'positive',
        none: 'Never',
      },
    ],
  },
  {
    title: 'Server overloaded',
    fields: [
      {
        key: 'overloadRaisePct',
        label: 'Raise level',
        unit: '% of capacity',
        help: 'Connection or throughput utilisation at or above this starts the alert.',
        floor: 'positive',
        max: 1000,
      },
      {
        key: 'overloadForMin',
        label: 'Pending time',
        unit: 'min',
        help: 'How long the level must hold before the alert fires; 0 fires at once.',
        floor: 'nonNegative',
      },
      {
        key: 'overloadClearPct',
        label: 'Clear level',
        unit: '% of capacity',
        help: 'A firing alert resolves once both utilisations stay below this.',
        floor: 'positive',
        max: 1000,
      },
      {
        key: 'overloadClearForMin',
        label: 'Clear time',
        unit: 'min',
        help: 'How long they must stay below the clear level (heavy users too).',
        floor: 'nonNegative',
      },
    ],
  },
  {
    title: 'Heavy user',
    fields: [
      {
        key: 'heavyThresholdMbps',
        label: 'Heavy-user threshold',
        unit: 'Mb/s',
        help: 'A client at or above this over the last 5 minutes is a heavy user.',
        floor: 'positive',
      },
      {
        key: 'heavyForMin',
        label: 'Pending time',
        unit: 'min',
        help: 'How long a client must stay heavy before its alert fires.',
        floor: 'nonNegative',
      },
    ],
  },
  {
    title: 'Upgrade recommended',
    fields: [
      {
        key: 'upgradeSharePct',
        label: 'Overloaded share',
        unit: '% of minutes',
        help: 'Recommend an upgrade when the server was overloaded more than this share of the window.',
        floor: 'positive',
        max: 100,
      },
      {
        key: 'upgradeWindowDays',
        label: 'Window',
        unit: 'days',
        help: 'The days that share is measured over.',
        floor: 'positive',
      },
      {
        key: 'upgradeHorizonDays',
        label: 'Saturation horizon',
        unit: 'days',
        help: 'Also recommend it when the daily peak trend reaches 100 % within this many days.',
        floor: 'positive',
      },
    ],
  },
  {
    title: 'Default capacity',
    fields: [
      {
        key: 'defaultMaxConnections',
        label: 'Max connections',
        unit: 'devices',
        help: 'Connection capacity assumed for a server missing from the inventory above.',
        floor: 'positive',
        integer: true,
      },
      {
        key: 'defaultCapacityMbps',
        label: 'Capacity',
        unit: 'Mb/s',
        help: 'Throughput capacity assumed for a server missing from the inventory.',
        floor: 'positive',
      },
    ],
  },
]

export const THRESHOLD_FIELDS: ThresholdField[] = THRESHOLD_GROUPS.flatMap((g) => g.fields)

const TOP_KEYS: readonly ThresholdKey[] = [
  'idleTimeoutMin',
  'heavyThresholdMbps',
  'defaultMaxConnections',
  'defaultCapacityMbps',
]
const isTop = (key: ThresholdKey): key is TopKey => TOP_KEYS.includes(key)

export type ThresholdDraft = Record<ThresholdKey, string>

export function valueOf(settings: PipelineSettings, key: ThresholdKey): number | null {
  return isTop(key) ? settings[key] : settings.alerts[key]
}

export function draftOf(settings: PipelineSettings): ThresholdDraft {
  return Object.fromEntries(
    THRESHOLD_FIELDS.map((f) => {
      const value = valueOf(settings, f.key)
      return [f.key, value === null ? NONE : String(value)]
    }),
  ) as ThresholdDraft
}

/** A number as typed: '' and anything that is not a plain decimal number are not numbers. */
export function parseNumber(text: string): number | null {
  const trimmed = text.trim()
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) return null
  const value = Number(trimmed)
  return Number.isFinite(value) ? value : null
}

function fieldError(field: ThresholdField, text: string): string | null {
  if (field.none !== undefined && text === NONE) return null
  const value = parseNumber(text)
  if (value === null) return 'Enter a number.'
  if (field.floor === 'positive' && value <= 0) return 'Must be above 0.'
  if (field.floor === 'nonNegative' && value < 0) return 'Must be 0 or more.'
  if (field.max !== undefined && value > field.max) return `Must be at most ${field.max}.`
  if (field.integer && !Number.isInteger(value)) return 'Must be a whole number.'
  return null
}

/** Each field's problem, if any, in words that say how to fix it. */
export function validateDraft(draft: ThresholdDraft): Partial<Record<ThresholdKey, string>> {
  const errors: Partial<Record<ThresholdKey, string>> = {}
  for (const field of THRESHOLD_FIELDS) {
    const error = fieldError(field, draft[field.key])
    if (error) errors[field.key] = error
  }
  const raise = parseNumber(draft.overloadRaisePct)
  const clear = parseNumber(draft.overloadClearPct)
  if (
    !errors.overloadClearPct &&
    !errors.overloadRaisePct &&
    raise !== null &&
    clear !== null &&
    clear > raise
  ) {
    errors.overloadClearPct = `Must not exceed the raise level (${raise} %): the alert would flap.`
  }
  return errors
}

/** Only what changed from the saved settings, so another person's change to other fields is kept. */
export function patchOf(draft: ThresholdDraft, saved: PipelineSettings): ApiArgs<'settings:update'> {
  const patch: ApiArgs<'settings:update'> = {}
  const alerts: Partial<PipelineSettings['alerts']> = {}
  for (const field of THRESHOLD_FIELDS) {
    const text = draft[field.key]
    if (field.key === 'idleTimeoutMin' && text === NONE) {
      if (saved.idleTimeoutMin !== null) patch.idleTimeoutMin = null
      continue
    }
    const value = parseNumber(text)
    if (value === null || value === valueOf(saved, field.key)) continue
    if (isTop(field.key)) patch[field.key] = value
    else alerts[field.key] = value
  }
  if (Object.keys(alerts).length > 0) patch.alerts = alerts
  return patch
}
