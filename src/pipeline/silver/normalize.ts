// Bronze record -> typed silver event, or the reason it is quarantined. Pure: no database access.
import { createHash } from 'node:crypto'
import { DateTime } from 'luxon'
import type { z } from 'zod'
import {
  EVENT_TYPES,
  MAX_FUTURE_MS,
  MIN_EVENT_TS,
  deviceEvent,
  isSeedShaped,
  seedRecord,
} from '../../shared/events'
import type { RecordFormat } from '../bronze/records'

export interface SilverEvent {
  event_id: string
  ts: number
  type: 'connect' | 'disconnect' | 'usage' | 'flow'
  server: string | null
  device: string
  client: string | null
  peer: string | null
  device_type: string | null
  plan_mbps: number | null
  ip: string | null
  bytes_down: number | null
  bytes_up: number | null
  bytes: number | null
  duration_ms: number | null
}

export interface Rejection {
  field: string | null
  reason: string
}

export type Normalized = { ok: true; event: SilverEvent } | { ok: false; rejection: Rejection }

export interface NormalizeContext {
  /** Time the record was received: the reference for "too far in the future". */
  receivedAt: number
  /** IANA zone of the seed records' naive Hora_Conexao timestamps. */
  seedTimeZone: string
  /** Server assigned to seed records, which carry none. */
  seedServer: string
}

const NUMERIC_FIELDS = ['ts', 'plan_mbps', 'bytes_down', 'bytes_up', 'bytes', 'duration_ms'] as const
const NUMBER_TEXT = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/

export function normalize(raw: string, format: RecordFormat, context: NormalizeContext): Normalized {
  try {
    return read(raw, format, context)
  } catch (error) {
    // A record nested thousands deep can exhaust the stack: it is quarantined, its neighbours go on.
    return reject(null, `record could not be read: ${(error as Error).message}`)
  }
}

function read(raw: string, format: RecordFormat, context: NormalizeContext): Normalized {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch (error) {
    return reject(null, `invalid JSON: ${(error as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject(null, 'a record must be a JSON object')
  }
  const record = format === 'csv' ? fromCsvCells(value as Record<string, unknown>) : value
  const normalized = isSeedShaped(record)
    ? fromSeed(record as Record<string, unknown>, context)
    : fromContract(record as Record<string, unknown>)
  return normalized.ok ? checkTime(normalized, context) : normalized
}

function fromContract(record: Record<string, unknown>): Normalized {
  if (record.type === undefined) return reject('type', 'is required')
  if (!(EVENT_TYPES as readonly unknown[]).includes(record.type)) {
    return reject('type', `must be one of ${EVENT_TYPES.join(', ')}`)
  }
  const parsed = deviceEvent.safeParse(record)
  if (!parsed.success) return fromIssue(parsed.error.issues[0], record)
  const e = parsed.data
  return {
    ok: true,
    event: {
      event_id: e.id,
      ts: e.ts,
      type: e.type,
      server: e.type === 'flow' ? (e.server ?? null) : e.server,
      device: e.device,
      client:
        e.type === 'connect' || e.type === 'usage'
          ? e.client
          : e.type === 'disconnect'
            ? (e.client ?? null)
            : null,
      peer: e.type === 'flow' ? e.peer : null,
      device_type: e.type === 'connect' ? (e.device_type ?? null) : null,
      plan_mbps: e.type === 'connect' ? (e.plan_mbps ?? null) : null,
      ip: e.type === 'connect' ? (e.ip ?? null) : null,
      bytes_down: e.type === 'usage' ? e.bytes_down : null,
      bytes_up: e.type === 'usage' ? e.bytes_up : null,
      bytes: e.type === 'flow' ? e.bytes : null,
      duration_ms: e.type === 'usage' ? (e.duration_ms ?? null) : null,
    },
  }
}

function fromSeed(record: Record<string, unknown>, context: NormalizeContext): Normalized {
  const parsed = seedRecord.safeParse(record)
  if (!parsed.success) return fromIssue(parsed.error.issues[0], record)
  const r = parsed.data
  const local = DateTime.fromISO(r.Hora_Conexao.replace(' ', 'T'), { zone: context.seedTimeZone })
  if (!local.isValid) return reject('Hora_Conexao', `is not a valid time in ${context.seedTimeZone}`)
  // A seed record has no id: its content is its identity, wherever it sits, so a re-export of the same
  // records (in another file, order or format) brings only duplicates, and a repeated record is one snapshot.
  const content = [r.Nome, r.Endereco ?? '', r.Ip, r.Hora_Conexao, r.Dispositivo_de_Acesso]
  content.push(String(r.Velocidade_de_Conexao), r.Status_Conexao)
  const digest = createHash('sha256').update(content.join('\u001f')).digest('hex').slice(0, 32)
  const connect = r.Status_Conexao === 'Conectado'
  return {
    ok: true,
    event: {
      event_id: `seed-${digest}`,
      ts: local.toMillis(),
      type: connect ? 'connect' : 'disconnect',
      server: context.seedServer,
      device: r.Ip,
      client: r.Nome,
      peer: null,
      device_type: connect ? (r.Dispositivo_de_Acesso === 'Computador' ? 'computer' : 'mobile') : null,
      plan_mbps: connect ? r.Velocidade_de_Conexao : null,
      ip: connect ? r.Ip : null,
      bytes_down: null,
      bytes_up: null,
      bytes: null,
      duration_ms: null,
    },
  }
}

/** The accepted event itself when its time is plausible (no second object for it), else the rejection. */
function checkTime(accepted: Normalized & { ok: true }, context: NormalizeContext): Normalized {
  const { ts } = accepted.event
  if (ts < MIN_EVENT_TS) return reject('ts', 'is before 2000-01-01 (seconds instead of milliseconds?)')
  if (ts > context.receivedAt + MAX_FUTURE_MS)
    return reject('ts', 'is in the future: more than 5 min after it was received')
  return accepted
}

/** CSV cells are all text: empty cells are absent fields and numeric fields are read as numbers. */
function fromCsvCells(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, cell] of Object.entries(row)) {
    if (cell === '' || cell === undefined || cell === null) continue
    const isNumeric = (NUMERIC_FIELDS as readonly string[]).includes(key)
    out[key] = isNumeric && typeof cell === 'string' && NUMBER_TEXT.test(cell.trim()) ? Number(cell) : cell
  }
  return out
}

function fromIssue(issue: z.core.$ZodIssue | undefined, record: Record<string, unknown>): Normalized {
  if (!issue) return reject(null, 'invalid record')
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : null
  const missing = field !== null && issue.path.length === 1 && record[field] === undefined
  return reject(field, missing ? 'is required' : issue.message)
}

function reject(field: string | null, reason: string): Normalized {
  return { ok: false, rejection: { field, reason } }
}
