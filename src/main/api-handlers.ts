// The API map's implementation, shared by the Electron IPC and the headless WebSocket: one place where
// every call is validated and answered.
import type { z } from 'zod'
import { API_METHODS, apiArgs, type ApiMethod, type ApiResults } from '../shared/api'
import { parseInventory } from '../pipeline/inventory'
import type { VigiaService } from './vigia-service'

type Handlers = {
  [M in ApiMethod]: (args: z.output<(typeof apiArgs)[M]>) => ApiResults[M] | Promise<ApiResults[M]>
}

export class ApiError extends Error {}

export function createApiHandlers(service: VigiaService): Handlers {
  return {
    'metrics:overview': ({ at, settleUsage }) => service.overview(at, settleUsage),
    'metrics:connected': ({ times }) => service.connected(times),
    'metrics:series': (args) => service.series(args),
    'clients:page': (args) => service.clientPage(args),
    'import:file': ({ path, force }) => ({ importId: service.startImport(path, { force }) }),
    'import:cancel': ({ importId }) => service.cancelImport(importId),
    'import:history': ({ limit }) => service.importHistory(limit),
    'quarantine:list': (args) => service.quarantine(args),
    'status:get': () => service.status(),
    'demo:set': ({ on }) => service.setDemo(on),
    'settings:get': () => service.settings,
    'settings:update': (patch) => service.updateSettings(patch),
    'alerts:list': ({ recent }) => service.alerts.list(recent),
    'alerts:detail': async ({ id }) => {
      const detail = await service.alerts.detail(id)
      if (!detail) throw new ApiError(`no alert ${id}`)
      return detail
    },
    'alerts:ack': ({ id, who, comment }) => service.engine.call('alertAck', id, who, comment),
    'alerts:silence': ({ id, minutes, who, comment }) =>
      service.engine.call('alertSilence', id, minutes, who, comment),
    'inventory:list': () => service.inventory(),
    'inventory:upsert': async (row) => {
      await service.engine.call('inventoryUpsert', [row])
      return service.inventory()
    },
    'inventory:delete': ({ server }) => service.engine.call('inventoryDelete', server),
    'inventory:import': async ({ text }) => {
      const { rows, errors } = parseInventory(text)
      if (errors.length === 0) await service.engine.call('inventoryUpsert', rows)
      return { saved: errors.length === 0 ? rows.length : 0, errors }
    },
    'retention:status': () => service.retentionStatus(),
  }
}

/** Validates an untrusted call (method name and arguments) and runs it. */
export async function dispatch(handlers: Handlers, method: unknown, args: unknown): Promise<unknown> {
  if (typeof method !== 'string' || !(API_METHODS as string[]).includes(method)) {
    throw new ApiError(`unknown method ${JSON.stringify(method)}`)
  }
  const m = method as ApiMethod
  const parsed = apiArgs[m].safeParse(args ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ApiError(`${m}: ${issue?.path.join('.') || 'arguments'} ${issue?.message ?? 'are invalid'}`)
  }
  const handler = handlers[m] as (a: unknown) => unknown
  return handler(parsed.data)
}
