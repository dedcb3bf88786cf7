// normalize() is pure (no database): each test feeds it one bronze record and reads the verdict.
import { describe, it, expect } from 'vitest'
import { normalize, type NormalizeContext, type Normalized, type SilverEvent } from './normalize'
import type { RecordFormat } from '../bronze/records'

const RECEIVED_AT = Date.UTC(2024, 5, 1, 12, 0, 0)
const TS = Date.UTC(2024, 5, 1, 11, 59, 0)
const CONTEXT: NormalizeContext = {
  receivedAt: RECEIVED_AT,
  seedTimeZone: 'America/Sao_Paulo',
  seedServer: 'seed-srv',
}

const VALID: Record<string, Record<string, unknown>> = {
  connect: { id: 'c-1', type: 'connect', ts: TS, server: 's1', device: 'd1', client: 'alice' },
  disconnect: { id: 'x-1', type: 'disconnect', ts: TS, server: 's1', device: 'd1' },
  usage: {
    id: 'u-1',
    type: 'usage',
    ts: TS,
    server: 's1',
    device: 'd1',
    client: 'alice',
    bytes_down: 1000,
    bytes_up: 10,
  },
  flow: { id: 'f-1', type: 'flow', ts: TS, device: 'd1', peer: 'd2', bytes: 500 },
}

function run(
  record: unknown,
  options: { format?: RecordFormat; context?: Partial<NormalizeContext> } = {},
): Normalized {
  const raw = typeof record === 'string' ? record : JSON.stringify(record)
  return normalize(raw, options.format ?? 'json', { ...CONTEXT, ...options.context })
}

function accepted(result: Normalized): SilverEvent {
  if (!result.ok)
    throw new Error(`expected the record to be accepted, got ${JSON.stringify(result.rejection)}`)
  return result.event
}

function rejected(result: Normalized): { field: string | null; reason: string } {
  if (result.ok) throw new Error(`expected the record to be rejected, got ${JSON.stringify(result.event)}`)
  return result.rejection
}

const without = (record: Record<string, unknown>, field: string) => {
  const copy = { ...record }
  delete copy[field]
  return copy
}

describe('normalize: rejects', () => {
  it('quarantines a record that is not valid JSON', () => {
    const r = rejected(run('{"id": "a", "type": '))
    expect(r.field).toBeNull()
    expect(r.reason).toMatch(/^invalid JSON: /)
  })

  it.each([
    ['a number', '42'],
    ['a string', '"connect"'],
    ['null', 'null'],
    ['an array', '[{"id": "a"}]'],
  ])('quarantines a record that is %s rather than an object', (_what, raw) => {
    expect(rejected(run(raw))).toEqual({ field: null, reason: 'a record must be a JSON object' })
  })

  it('quarantines a record without a type', () => {
    expect(rejected(run(without(VALID.connect!, 'type')))).toEqual({ field: 'type', reason: 'is required' })
  })

  it.each([['reconnect'], ['CONNECT'], [7]])('quarantines a record of unknown type %j', (type) => {
    expect(rejected(run({ ...VALID.connect, type }))).toEqual({
      field: 'type',
      reason: 'must be one of connect, disconnect, usage, flow',
    })
  })

  it.each([
    ['connect', 'id'],
    ['connect', 'ts'],
    ['connect', 'server'],
    ['connect', 'device'],
    ['connect', 'client'],
    ['disconnect', 'id'],
    ['disconnect', 'ts'],
    ['disconnect', 'server'],
    ['disconnect', 'device'],
    ['usage', 'id'],
    ['usage', 'ts'],
    ['usage', 'server'],
    ['usage', 'device'],
    ['usage', 'client'],
    ['usage', 'bytes_down'],
    ['usage', 'bytes_up'],
    ['flow', 'id'],
    ['flow', 'ts'],
    ['flow', 'device'],
    ['flow', 'peer'],
    ['flow', 'bytes'],
  ])('quarantines a %s event without %s', (type, field) => {
    expect(rejected(run(without(VALID[type]!, field)))).toEqual({ field, reason: 'is required' })
  })

  it('accepts the fields each event type leaves optional', () => {
    // disconnect.client, flow.server and all of connect's extras may be absent.
    expect(accepted(run(VALID.disconnect)).client).toBeNull()
    expect(accepted(run(VALID.flow)).server).toBeNull()
    const c = accepted(run(VALID.connect))
    expect([c.device_type, c.plan_mbps, c.ip]).toEqual([null, null, null])
  })

  it.each([
    ['connect', 'device', 12345, 'must be a string'],
    ['connect', 'id', 99, 'must be a string'],
    ['usage', 'client', true, 'must be a string'],
    ['usage', 'bytes_down', '1000', 'must be a number of bytes'],
    ['flow', 'bytes', null, 'must be a number of bytes'],
    ['connect', 'plan_mbps', '100', 'must be a number of Mb/s'],
    ['connect', 'device_type', 'fridge', 'must be one of mobile, computer, tv, iot, other'],
  ])('quarantines a %s event whose %s has the wrong type (%j)', (type, field, value, reason) => {
    expect(rejected(run({ ...VALID[type], [field]: value }))).toEqual({ field, reason })
  })

  it('quarantines a ts that is neither a number nor a string', () => {
    const r = rejected(run({ ...VALID.connect, ts: true }))
    expect(r.field).toBe('ts')
  })

  it.each([
    ['usage', 'bytes_down'],
    ['usage', 'bytes_up'],
    ['flow', 'bytes'],
  ])('quarantines a %s event with negative %s', (type, field) => {
    expect(rejected(run({ ...VALID[type], [field]: -1 }))).toEqual({ field, reason: 'must not be negative' })
  })

  it('quarantines a connect with a negative plan', () => {
    expect(rejected(run({ ...VALID.connect, plan_mbps: -5 }))).toEqual({
      field: 'plan_mbps',
      reason: 'must not be negative',
    })
  })

  it.each([
    ['usage', 'bytes_down'],
    ['usage', 'bytes_up'],
    ['flow', 'bytes'],
  ])('quarantines a %s event with non-integer %s', (type, field) => {
    expect(rejected(run({ ...VALID[type], [field]: 1.5 }))).toEqual({
      field,
      reason: 'must be an integer number of bytes',
    })
  })

  it('quarantines a ts before 2000 (seconds sent instead of milliseconds)', () => {
    // 1717243140 is TS in seconds: read as milliseconds it is January 1970.
    expect(rejected(run({ ...VALID.usage, ts: TS / 1000 }))).toEqual({
      field: 'ts',
      reason: 'is before 2000-01-01 (seconds instead of milliseconds?)',
    })
    expect(rejected(run({ ...VALID.usage, ts: Date.UTC(2000, 0, 1) - 1 })).field).toBe('ts')
    expect(accepted(run({ ...VALID.usage, ts: Date.UTC(2000, 0, 1) })).ts).toBe(Date.UTC(2000, 0, 1))
  })

  it('quarantines a ts more than 5 min after the record was received as in the future', () => {
    const fiveMin = 5 * 60 * 1000
    expect(rejected(run({ ...VALID.connect, ts: RECEIVED_AT + fiveMin + 1 }))).toEqual({
      field: 'ts',
      reason: 'is in the future: more than 5 min after it was received',
    })
    // Exactly 5 min ahead is still accepted: the limit is "more than".
    expect(accepted(run({ ...VALID.connect, ts: RECEIVED_AT + fiveMin })).ts).toBe(RECEIVED_AT + fiveMin)
  })

  it.each([['2024-06-01T11:59:00'], ['2024-06-01 11:59:00.250'], ['2024-06-01T11:59']])(
    'quarantines an ISO ts without a zone (%s)',
    (ts) => {
      expect(rejected(run({ ...VALID.connect, ts }))).toEqual({
        field: 'ts',
        reason: 'must be ISO-8601 with a zone (Z or ±hh:mm), or epoch milliseconds',
      })
    },
  )

  it('quarantines a non-integer epoch-ms ts', () => {
    const r = rejected(run({ ...VALID.connect, ts: TS + 0.5 }))
    expect(r.field).toBe('ts')
    expect(r.reason).toMatch(/epoch milliseconds/)
  })

  it.each([[''], ['   ']])('quarantines an event whose id is empty (%j)', (id) => {
    expect(rejected(run({ ...VALID.usage, id }))).toEqual({ field: 'id', reason: 'must not be empty' })
  })

  it('quarantines an empty device or peer', () => {
    expect(rejected(run({ ...VALID.connect, device: '' }))).toEqual({
      field: 'device',
      reason: 'must not be empty',
    })
    expect(rejected(run({ ...VALID.flow, peer: ' ' }))).toEqual({
      field: 'peer',
      reason: 'must not be empty',
    })
  })

  it('quarantines a device named with half of a surrogate pair, and accepts a whole pair', () => {
    // JSON.stringify writes a lone surrogate as the escape "\ud800", as a device app's JSON would.
    expect(rejected(run({ ...VALID.usage, device: 'd\ud800' }))).toEqual({
      field: 'device',
      reason: 'must not contain half of a UTF-16 surrogate pair (a lone \\uD800-\\uDFFF escape)',
    })
    expect(rejected(run({ ...VALID.usage, client: '\udc00x' })).field).toBe('client')
    expect(accepted(run({ ...VALID.usage, device: 'd\ud83d\udce1' })).device).toBe('d📡')
  })

  it('quarantines an id longer than 200 characters', () => {
    expect(rejected(run({ ...VALID.connect, id: 'x'.repeat(201) }))).toEqual({
      field: 'id',
      reason: 'must be at most 200 characters',
    })
  })

  it('reads an id after trimming it: 200 characters within spaces pass, and the first failing check names it', () => {
    expect(accepted(run({ ...VALID.connect, id: ` ${'x'.repeat(200)} ` })).event_id).toBe('x'.repeat(200))
    expect(rejected(run({ ...VALID.connect, id: `${'x'.repeat(201)}\ud800` })).reason).toBe(
      'must be at most 200 characters',
    )
  })

  it('quarantines an ip longer than 64 characters or with half of a surrogate pair, and keeps a blank one', () => {
    expect(rejected(run({ ...VALID.connect, ip: 'i'.repeat(65) }))).toEqual({
      field: 'ip',
      reason: 'must be at most 64 characters',
    })
    expect(rejected(run({ ...VALID.connect, ip: '10.0.0.1\ud800' })).field).toBe('ip')
    expect(accepted(run({ ...VALID.connect, ip: ` ${'i'.repeat(64)} ` })).ip).toBe('i'.repeat(64))
    expect(accepted(run({ ...VALID.connect, ip: '  ' })).ip).toBe('')
  })

  it('quarantines an ISO ts with a zone that is not a date', () => {
    expect(rejected(run({ ...VALID.connect, ts: '2024-13-45T10:00:00Z' })).field).toBe('ts')
  })

  // Date.parse would roll 31 February over to 2 March.
  it('quarantines an ISO ts with a zone on a day the month does not have', () => {
    expect(rejected(run({ ...VALID.connect, ts: '2024-02-31T10:00:00Z' })).field).toBe('ts')
  })
})

describe('normalize: accepted events', () => {
  it('reads an ISO ts with Z, with an offset, or with a space as epoch ms', () => {
    expect(accepted(run({ ...VALID.connect, ts: '2024-06-01T11:59:00Z' })).ts).toBe(TS)
    expect(accepted(run({ ...VALID.connect, ts: '2024-06-01T08:59:00-03:00' })).ts).toBe(TS)
    expect(accepted(run({ ...VALID.connect, ts: '2024-06-01 13:59:00.000+02:00' })).ts).toBe(TS)
    expect(accepted(run({ ...VALID.connect, ts: '2024-06-01T11:59Z' })).ts).toBe(TS)
  })

  it('keeps an epoch-ms ts as it is', () => {
    expect(accepted(run({ ...VALID.flow, ts: TS + 123 })).ts).toBe(TS + 123)
  })

  it('trims ids, servers, devices, clients and peers', () => {
    const c = accepted(
      run({ ...VALID.connect, id: '  c-9 ', server: ' s1 ', device: '\td1 ', client: ' alice' }),
    )
    expect([c.event_id, c.server, c.device, c.client]).toEqual(['c-9', 's1', 'd1', 'alice'])
    expect(accepted(run({ ...VALID.flow, peer: ' d2  ' })).peer).toBe('d2')
  })

  it('maps every field of a connect event to its silver column', () => {
    const e = accepted(
      run({
        ...VALID.connect,
        device_type: 'tv',
        plan_mbps: 300,
        ip: ' 10.0.0.7 ',
        unknown_extra: 'ignored',
      }),
    )
    expect(e).toEqual({
      event_id: 'c-1',
      ts: TS,
      type: 'connect',
      server: 's1',
      device: 'd1',
      client: 'alice',
      peer: null,
      device_type: 'tv',
      plan_mbps: 300,
      ip: '10.0.0.7',
      bytes_down: null,
      bytes_up: null,
      bytes: null,
      duration_ms: null,
    })
  })

  it('quarantines a usage sample that claims to cover more than an hour, and takes one of exactly an hour', () => {
    expect(rejected(run({ ...VALID.usage, duration_ms: 3_600_001 }))).toEqual({
      field: 'duration_ms',
      reason: 'must be at most 3,600,000 ms (1 hour)',
    })
    expect(accepted(run({ ...VALID.usage, duration_ms: 3_600_000 })).duration_ms).toBe(3_600_000)
  })

  it('maps a usage event and a flow event to their silver columns', () => {
    expect(accepted(run({ ...VALID.usage, duration_ms: 1000 }))).toMatchObject({
      type: 'usage',
      client: 'alice',
      bytes_down: 1000,
      bytes_up: 10,
      bytes: null,
      duration_ms: 1000,
      peer: null,
    })
    expect(accepted(run({ ...VALID.flow, server: 's2' }))).toMatchObject({
      type: 'flow',
      server: 's2',
      client: null,
      peer: 'd2',
      bytes: 500,
      bytes_down: null,
    })
  })
})

describe('normalize: CSV records', () => {
  // A CSV row reaches silver as a JSON object of its cells, all text; empty cells are absent fields.
  it('reads numbers out of the text cells of a usage row', () => {
    const row = {
      id: 'u-7',
      type: 'usage',
      ts: String(TS),
      server: 's1',
      device: 'd1',
      client: 'alice',
      bytes_down: '2048',
      bytes_up: ' 16 ',
      duration_ms: '',
    }
    expect(accepted(run(row, { format: 'csv' }))).toMatchObject({
      ts: TS,
      bytes_down: 2048,
      bytes_up: 16,
      duration_ms: null,
    })
  })

  it('treats empty cells as absent optional fields of a connect row', () => {
    const row = {
      id: 'c-7',
      type: 'connect',
      ts: '2024-06-01T11:59:00Z',
      server: 's1',
      device: 'd1',
      client: 'alice',
      device_type: '',
      plan_mbps: '20.5',
      ip: '',
    }
    expect(accepted(run(row, { format: 'csv' }))).toMatchObject({
      ts: TS,
      device_type: null,
      plan_mbps: 20.5,
      ip: null,
    })
  })

  it('quarantines a CSV row whose required cell is empty', () => {
    const row = { ...VALID.usage, ts: String(TS), bytes_down: '1', bytes_up: '1', client: '' }
    expect(rejected(run(row, { format: 'csv' }))).toEqual({ field: 'client', reason: 'is required' })
  })

  it('quarantines a CSV row with negative, fractional or non-numeric bytes', () => {
    const row = { ...VALID.usage, ts: String(TS), bytes_down: '1', bytes_up: '1' }
    expect(rejected(run({ ...row, bytes_down: '-3' }, { format: 'csv' }))).toEqual({
      field: 'bytes_down',
      reason: 'must not be negative',
    })
    expect(rejected(run({ ...row, bytes_up: '2.5' }, { format: 'csv' }))).toEqual({
      field: 'bytes_up',
      reason: 'must be an integer number of bytes',
    })
    expect(rejected(run({ ...row, bytes_up: 'ten' }, { format: 'csv' }))).toEqual({
      field: 'bytes_up',
      reason: 'must be a number of bytes',
    })
  })

  it('does not coerce numbers in JSON records', () => {
    // Only CSV cells are text by nature; a JSON string where a number belongs is a producer error.
    const row = { ...VALID.usage, bytes_down: '2048' }
    expect(rejected(run(row, { format: 'json' })).field).toBe('bytes_down')
  })
})

describe('normalize: seed records', () => {
  const SEED = {
    Nome: 'Maria Silva',
    Endereco: 'Rua A, 10',
    Ip: '192.168.0.10',
    Hora_Conexao: '2024-06-01 08:30:00',
    Dispositivo_de_Acesso: 'Computador',
    Velocidade_de_Conexao: 300,
    Status_Conexao: 'Conectado',
  }
  // 08:30 in America/Sao_Paulo (UTC-3, no daylight saving since 2019) is 11:30 UTC.
  const SEED_TS = Date.UTC(2024, 5, 1, 11, 30, 0)

  it('maps a Conectado record to a connect', () => {
    const e = accepted(run(SEED))
    expect(e).toEqual({
      event_id: expect.stringMatching(/^seed-[0-9a-f]{32}$/),
      ts: SEED_TS,
      type: 'connect',
      server: 'seed-srv',
      device: '192.168.0.10',
      client: 'Maria Silva',
      peer: null,
      device_type: 'computer',
      plan_mbps: 300,
      ip: '192.168.0.10',
      bytes_down: null,
      bytes_up: null,
      bytes: null,
      duration_ms: null,
    })
  })

  it('maps Celular to mobile and Computador to computer', () => {
    expect(accepted(run({ ...SEED, Dispositivo_de_Acesso: 'Celular' })).device_type).toBe('mobile')
    expect(accepted(run({ ...SEED, Dispositivo_de_Acesso: 'Computador' })).device_type).toBe('computer')
  })

  it('maps a Desconectado record to a disconnect of the same device', () => {
    const e = accepted(run({ ...SEED, Status_Conexao: 'Desconectado' }))
    expect(e).toMatchObject({
      type: 'disconnect',
      ts: SEED_TS,
      server: 'seed-srv',
      device: '192.168.0.10',
      client: 'Maria Silva',
      device_type: null,
      plan_mbps: null,
      ip: null,
    })
  })

  it('reads the naive Hora_Conexao in the seed time zone of the context', () => {
    expect(accepted(run(SEED, { context: { seedTimeZone: 'UTC' } })).ts).toBe(Date.UTC(2024, 5, 1, 8, 30))
    // Tokyo is UTC+9: 08:30 there is 23:30 UTC the day before.
    expect(accepted(run(SEED, { context: { seedTimeZone: 'Asia/Tokyo' } })).ts).toBe(
      Date.UTC(2024, 4, 31, 23, 30),
    )
    expect(accepted(run({ ...SEED, Hora_Conexao: '2024-06-01T08:30' })).ts).toBe(SEED_TS)
  })

  // normalize() is not told where the record sat: its line cannot be part of the id. A re-export of the
  // same records elsewhere is tested through the import in import-file.test.ts.
  it('gives the same record the same id from its content alone, in JSON or as CSV cells', () => {
    const first = accepted(run(SEED)).event_id
    expect(accepted(run({ ...SEED })).event_id).toBe(first)
    const csvRow = { ...SEED, Velocidade_de_Conexao: '300' }
    expect(accepted(run(csvRow, { format: 'csv' })).event_id).toBe(first)
  })

  it('gives another id to a record that differs in any of its fields', () => {
    const first = accepted(run(SEED)).event_id
    const others = [
      { Nome: 'Maria Silva Jr' },
      { Endereco: 'Rua A, 11' },
      { Endereco: undefined },
      { Ip: '192.168.0.11' },
      { Hora_Conexao: '2024-06-01 08:30:01' },
      { Dispositivo_de_Acesso: 'Celular' },
      { Velocidade_de_Conexao: 301 },
      { Status_Conexao: 'Desconectado' },
    ]
    const ids = others.map((change) => accepted(run({ ...SEED, ...change })).event_id)
    expect(new Set([first, ...ids]).size).toBe(others.length + 1)
  })

  it('reads a seed row from CSV, with the speed as text', () => {
    const row = { ...SEED, Endereco: '', Velocidade_de_Conexao: '50' }
    expect(accepted(run(row, { format: 'csv' }))).toMatchObject({
      type: 'connect',
      plan_mbps: 50,
      ts: SEED_TS,
    })
  })

  it('quarantines a seed record with a missing name, unknown device or zoned time', () => {
    const noName: Record<string, unknown> = { ...SEED }
    delete noName.Nome
    expect(rejected(run(noName))).toEqual({ field: 'Nome', reason: 'is required' })
    expect(rejected(run({ ...SEED, Dispositivo_de_Acesso: 'Tablet' })).field).toBe('Dispositivo_de_Acesso')
    expect(rejected(run({ ...SEED, Hora_Conexao: '2024-06-01T08:30:00Z' }))).toEqual({
      field: 'Hora_Conexao',
      reason: 'must be a local timestamp',
    })
  })

  it('quarantines a seed record in a time zone that does not exist', () => {
    expect(rejected(run(SEED, { context: { seedTimeZone: 'Mars/Olympus' } }))).toEqual({
      field: 'Hora_Conexao',
      reason: 'is not a valid time in Mars/Olympus',
    })
  })

  it('applies the time checks to seed records too', () => {
    expect(rejected(run({ ...SEED, Hora_Conexao: '1999-12-31 12:00:00' })).field).toBe('ts')
    expect(rejected(run({ ...SEED, Hora_Conexao: '2024-06-03 12:00:00' })).field).toBe('ts')
  })

  // A coercing number schema would turn a null speed into a 0 Mb/s plan.
  it('quarantines a seed record whose speed is null', () => {
    expect(rejected(run({ ...SEED, Velocidade_de_Conexao: null })).field).toBe('Velocidade_de_Conexao')
  })
})
