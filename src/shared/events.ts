// Event contract v1 (docs/protocol.md). These schemas are the one definition of a valid event: the
// silver stage, the WebSocket endpoint's replies and the docs all follow them.
import { DateTime } from 'luxon'
import { z } from 'zod'

export const EVENT_TYPES = ['connect', 'disconnect', 'usage', 'flow'] as const
export type EventType = (typeof EVENT_TYPES)[number]

export const DEVICE_TYPES = ['mobile', 'computer', 'tv', 'iot', 'other'] as const
export type DeviceType = (typeof DEVICE_TYPES)[number]

/** Earliest and latest accepted event times: anything outside is a clock or unit error (seconds vs ms). */
export const MIN_EVENT_TS = Date.UTC(2000, 0, 1)
/** The longest interval a usage sample may cover. */
export const MAX_USAGE_DURATION_MS = 3_600_000
/**
 * How far after its arrival an event may be dated. Small, because retention counts back from the newest
 * event (docs/pipeline.md, Retention): one device with a clock a day ahead would otherwise push that day
 * forward and empty a day of history.
 */
export const MAX_FUTURE_MS = 5 * 60 * 1000

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i

const TIMESTAMP_FORMS = 'must be ISO-8601 with a zone (Z or ±hh:mm), or epoch milliseconds'

/** Epoch ms, or ISO-8601 with a zone. luxon rejects impossible dates (Feb 31) that Date.parse rolls over. */
const timestamp = z.unknown().transform((value, ctx): number => {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string' && ISO_WITH_ZONE.test(value.trim())) {
    const parsed = DateTime.fromISO(value.trim().replace(' ', 'T'), { setZone: true })
    if (parsed.isValid) return parsed.toMillis()
    ctx.addIssue({
      code: 'custom',
      message: `is not a valid date (${parsed.invalidExplanation ?? 'invalid'})`,
    })
    return z.NEVER
  }
  ctx.addIssue({ code: 'custom', message: TIMESTAMP_FORMS })
  return z.NEVER
})

// A JSON escape such as "\ud800" alone decodes to half a UTF-16 pair: SQLite stores it as bytes that read back
// as another string, so the same id would name two devices. Refused instead.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const WELL_FORMED = 'must not contain half of a UTF-16 surrogate pair (a lone \\uD800-\\uDFFF escape)'

/**
 * A string, trimmed, of at most `max` characters (and one at least unless `emptyAllowed`), without a lone
 * surrogate. One zod check rather than a
 * chain (trim, min, max, refine), which ran each as a check of its own: three of these per event cost the
 * silver stage about 2 µs of its ~9 µs of validation (issue #18). A value is refused for the first of
 * those that fails, in that order, as the chain's first issue said.
 */
const text = (max: number, emptyAllowed: boolean) =>
  z.string('must be a string').check((ctx) => {
    const s = (ctx.value = ctx.value.trim())
    const message =
      s.length === 0 && !emptyAllowed
        ? 'must not be empty'
        : s.length > max
          ? `must be at most ${max} characters`
          : UNPAIRED_SURROGATE.test(s)
            ? WELL_FORMED
            : null
    if (message !== null) ctx.issues.push({ code: 'custom', message, input: s })
  })

const id = () => text(200, false)

const bytes = z
  .number('must be a number of bytes')
  .max(Number.MAX_SAFE_INTEGER, 'is too large')
  .int('must be an integer number of bytes')
  .nonnegative('must not be negative')

const base = {
  id: id(),
  ts: timestamp,
}

export const connectEvent = z.object({
  ...base,
  type: z.literal('connect'),
  server: id(),
  device: id(),
  client: id(),
  device_type: z.enum(DEVICE_TYPES, `must be one of ${DEVICE_TYPES.join(', ')}`).optional(),
  plan_mbps: z
    .number('must be a number of Mb/s')
    .nonnegative('must not be negative')
    .max(1_000_000, 'must be at most 1,000,000 Mb/s')
    .optional(),
  ip: text(64, true).optional(),
})

export const disconnectEvent = z.object({
  ...base,
  type: z.literal('disconnect'),
  server: id(),
  device: id(),
  client: id().optional(),
})

export const usageEvent = z.object({
  ...base,
  type: z.literal('usage'),
  server: id(),
  device: id(),
  client: id(),
  bytes_down: bytes,
  bytes_up: bytes,
  duration_ms: z
    .number('must be a number of milliseconds')
    .int('must be an integer number of milliseconds')
    .nonnegative('must not be negative')
    // Its bytes are spread over every second of the interval (docs/metrics.md): a bound on what one record
    // can cost gold.
    .max(MAX_USAGE_DURATION_MS, 'must be at most 3,600,000 ms (1 hour)')
    .optional(),
})

export const flowEvent = z.object({
  ...base,
  type: z.literal('flow'),
  device: id(),
  peer: id(),
  bytes,
  server: id().optional(),
})

export const deviceEvent = z.discriminatedUnion('type', [
  connectEvent,
  disconnectEvent,
  usageEvent,
  flowEvent,
])
export type DeviceEvent = z.output<typeof deviceEvent>

/** The original Databricks generator's landing records (Portuguese field names). */
export const seedRecord = z.object({
  Nome: id(),
  Endereco: z.string('must be a string').optional(),
  Ip: id(),
  Hora_Conexao: z
    .string('Hora_Conexao must be a local timestamp string')
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/, 'must be a local timestamp'),
  Dispositivo_de_Acesso: z.enum(['Computador', 'Celular'], 'must be Computador or Celular'),
  // A number, or a number written as text (CSV cells, string-typed Parquet columns); never null or true.
  Velocidade_de_Conexao: z
    .union(
      [
        z.number(),
        z
          .string()
          .trim()
          .regex(/^\d+(\.\d+)?$/)
          .transform(Number),
      ],
      'must be a speed in Mb/s',
    )
    .pipe(z.number().nonnegative('must not be negative').max(1_000_000, 'must be at most 1,000,000 Mb/s')),
  Status_Conexao: z.enum(['Conectado', 'Desconectado'], 'must be Conectado or Desconectado'),
})
export type SeedRecord = z.output<typeof seedRecord>

/** A record is read as a seed record when it has the seed's status field and no event type of ours. */
export function isSeedShaped(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'Status_Conexao' in value && !('type' in value)
}
