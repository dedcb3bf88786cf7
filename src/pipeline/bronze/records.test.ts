import { describe, expect, it } from 'vitest'
import { splitFrame } from './records'

const split = (text: string | Uint8Array) => splitFrame(typeof text === 'string' ? Buffer.from(text) : text)

describe('splitting a frame into records', () => {
  it('reads one pretty-printed event as one record, on the line where it starts', () => {
    const result = split('\n\n{\n  "id": "a",\n  "type": "usage"\n}\n')
    expect(result).toEqual({
      ok: true,
      records: [{ line: 3, format: 'json', raw: '{\n  "id": "a",\n  "type": "usage"\n}' }],
    })
  })

  it('reads NDJSON line by line, numbering lines from 1 and skipping blank ones', () => {
    const result = split('{"id":"a"}\n\n{"id":"b"}\nnot json\n')
    expect(result.ok && result.records.map((r) => [r.line, r.raw])).toEqual([
      [1, '{"id":"a"}'],
      [3, '{"id":"b"}'],
      [4, 'not json'],
    ])
  })

  it('reads each element of a JSON array as a record', () => {
    const result = split('[{"id":"a"}, {"id":"b"}]')
    expect(result.ok && result.records.map((r) => [r.line, r.raw])).toEqual([
      [1, '{"id":"a"}'],
      [2, '{"id":"b"}'],
    ])
  })

  it('refuses a whole frame that is not UTF-8, empty, or a broken array', () => {
    expect(split(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).toEqual({
      ok: false,
      error: 'frame is not valid UTF-8',
    })
    expect(split('  \n ')).toEqual({ ok: false, error: 'frame is empty' })
    expect(split('[]')).toEqual({ ok: false, error: 'frame is an empty array' })
    expect(split('[{"id":1},')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^frame is not a valid JSON array/),
    })
  })
})

describe('envelopes', () => {
  it('reads the events of an envelope and the seq that names the frame', () => {
    const result = split('{"seq": 17, "events": [{"id":"a"}, {"id":"b"}]}')
    expect(result).toMatchObject({ ok: true, seq: '17', records: [{ line: 1 }, { line: 2 }] })
  })

  it('refuses an envelope with a seq that is not a string or number, or with no events', () => {
    expect(split('{"seq": {"x": 1}, "events": [{"id":"a"}]}')).toMatchObject({
      ok: false,
      error: /^seq must be/,
    })
    expect(split('{"seq": "s", "events": []}')).toEqual({
      ok: false,
      seq: 's',
      error: 'envelope has no events',
    })
  })
})
