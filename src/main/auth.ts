// Who may talk to Vigia's endpoints: loopback freely, anything else only with the token.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/** The token from `Authorization: Bearer ...` or `?token=...`. */
export function tokenFromRequest(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim()
  return new URL(req.url ?? '/', 'http://vigia').searchParams.get('token') ?? undefined
}

/** Constant time whatever the lengths: both sides are hashed to the same size first. */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false
  const digest = (s: string) => createHash('sha256').update(s).digest()
  return timingSafeEqual(digest(given), digest(expected))
}
