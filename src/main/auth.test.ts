import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { isLoopbackHost, tokenFromRequest, tokenMatches } from './auth'

const request = (url: string, authorization?: string) =>
  ({ url, headers: { authorization } }) as IncomingMessage

describe('who may connect', () => {
  it('treats only loopback addresses as loopback', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopbackHost)).toBe(true)
    expect(['0.0.0.0', '10.0.0.5', '192.168.1.10', '::', 'vigia.example'].some(isLoopbackHost)).toBe(false)
  })

  it('reads the token from the Authorization header or the query', () => {
    expect(tokenFromRequest(request('/ingest', 'Bearer s3cret'))).toBe('s3cret')
    expect(tokenFromRequest(request('/ingest?token=s3cret'))).toBe('s3cret')
    expect(tokenFromRequest(request('/ingest'))).toBeUndefined()
  })

  it('compares tokens of any length without throwing, in constant time by hashing both first', () => {
    // timingSafeEqual throws on unequal lengths; comparing fixed-size digests avoids both the throw and the
    // length leak.
    expect(tokenMatches('s3cret', 's3cret')).toBe(true)
    expect(tokenMatches('s3cre', 's3cret')).toBe(false)
    expect(tokenMatches('x'.repeat(10_000), 's3cret')).toBe(false)
    expect(tokenMatches(undefined, 's3cret')).toBe(false)
  })
})
