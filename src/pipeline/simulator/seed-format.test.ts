import { describe, expect, it } from 'vitest'
import { seedRecord } from '../../shared/events'
import { normalize } from '../silver/normalize'
import { PLAN_SPEEDS_MBPS } from './profiles'
import { seedFormatBatches, type SeedBatch } from './seed-format'

const take = (iterator: Iterator<SeedBatch>, n: number): SeedBatch[] =>
  Array.from({ length: n }, () => iterator.next().value as SeedBatch)

const START = Date.UTC(2025, 7, 1, 17, 5, 33)

describe('seed-format batches', () => {
  it('writes one batch every 10 s of 40, 80, 70 and 60 records, homogeneous in device and status', () => {
    const batches = take(seedFormatBatches({ seed: 1, start: START, timeZone: 'America/Sao_Paulo' }), 8)
    expect(batches.map((b) => b.records.length)).toEqual([40, 80, 70, 60, 40, 80, 70, 60])
    expect(batches.map((b) => b.ts - START)).toEqual([0, 10, 20, 30, 40, 50, 60, 70].map((s) => s * 1000))
    const kinds = batches.slice(0, 4).map((b) => {
      const first = b.records[0]
      expect(b.records.every((r) => r.Dispositivo_de_Acesso === first?.Dispositivo_de_Acesso)).toBe(true)
      expect(b.records.every((r) => r.Status_Conexao === first?.Status_Conexao)).toBe(true)
      return `${first?.Dispositivo_de_Acesso} ${first?.Status_Conexao}`
    })
    expect(kinds).toEqual([
      'Computador Conectado',
      'Celular Conectado',
      'Computador Desconectado',
      'Celular Desconectado',
    ])
  })

  it('uses the seed fields, a naive local time and the seed speeds, and Vigia reads every record', () => {
    const [batch] = take(seedFormatBatches({ seed: 2, start: START, timeZone: 'America/Sao_Paulo' }), 1)
    for (const record of (batch as SeedBatch).records) {
      expect(Object.keys(record)).toEqual([
        'Nome',
        'Endereco',
        'Ip',
        'Hora_Conexao',
        'Dispositivo_de_Acesso',
        'Velocidade_de_Conexao',
        'Status_Conexao',
      ])
      expect(record.Hora_Conexao).toBe('2025-08-01 14:05:33')
      expect(PLAN_SPEEDS_MBPS).toContain(record.Velocidade_de_Conexao)
      expect(record.Ip).toMatch(/^(10|172|192)\.\d+\.\d+\.\d+$/)
      expect(seedRecord.safeParse(record).success).toBe(true)
      const read = normalize(JSON.stringify(record), 'json', {
        receivedAt: Date.now(),
        seedTimeZone: 'America/Sao_Paulo',
        seedServer: 'seed',
      })
      expect(read.ok && read.event.ts).toBe(START)
    }
  })

  it('is deterministic for a seed', () => {
    const a = take(seedFormatBatches({ seed: 3, start: START, timeZone: 'UTC' }), 4)
    const b = take(seedFormatBatches({ seed: 3, start: START, timeZone: 'UTC' }), 4)
    const c = take(seedFormatBatches({ seed: 4, start: START, timeZone: 'UTC' }), 4)
    expect(JSON.stringify(b)).toBe(JSON.stringify(a))
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a))
  })

  it('refuses an unknown time zone', () => {
    expect(() => seedFormatBatches({ seed: 1, timeZone: 'Mars/Olympus' }).next()).toThrow(/time zone/)
  })
})
