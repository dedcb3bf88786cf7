import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as connectedDevices from './connected-devices'
import * as connections from './connections'
import * as devicePairs from './device-pairs'
import * as deviceTypes from './device-types'
import * as distinctDevices from './distinct-devices'
import * as heavyClients from './heavy-clients'
import * as serverUtilisation from './server-utilisation'
import * as throughput from './throughput'

const modules = {
  connectedDevices,
  connections,
  distinctDevices,
  throughput,
  heavyClients,
  devicePairs,
  deviceTypes,
  serverUtilisation,
}

describe('metric definitions', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'metrics.md'), 'utf8')
  // Prettier may wrap a long blockquote: compare with white space folded.
  const folded = doc.replace(/\n> /g, ' ').replace(/\s+/g, ' ')

  it.each(Object.entries(modules))(
    'docs/metrics.md states the definition of %s word for word',
    (_name, module) => {
      expect(folded).toContain(module.DEFINITION.replace(/\s+/g, ' '))
    },
  )
})
