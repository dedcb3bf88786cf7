// The notice a live page shows when its newest event lags now, with the cause the host's status gives.
import { useStatus } from '../app/StatusContext'
import { useTime } from '../app/time-context'
import { dataLagNotice } from '../lib/data-lag'
import { atCapacity } from '../lib/engine-load'

export function useDataLag(at: number | undefined, newestAt: number | null | undefined): string | null {
  const { live } = useTime()
  const { status } = useStatus()
  if (at === undefined || newestAt === undefined) return null
  return dataLagNotice(at, newestAt, live, status ? atCapacity(status.engine) : false)
}
