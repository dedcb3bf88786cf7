// A query that follows the selected time, one request at a time. The live clock ticks every second; when
// the metrics take longer than that to answer (a large database, a busy host), asking again at every tick
// would queue requests behind each other and drop every answer as stale, and the page would never update.
// Here the next time is asked as soon as the previous answer is on screen: the page refreshes every
// second when the host keeps up, and as fast as it answers when it does not.
import { useState } from 'react'
import { useTime } from '../app/time-context'
import { useQuery, type QueryState } from './useQuery'

export interface AskedTime {
  at: number
  from: number
  to: number
}

export function usePacedQuery<T>(
  name: string,
  fetcher: (time: AskedTime) => Promise<T>,
): QueryState<T> & { asked: AskedTime } {
  const { at, from, to } = useTime()
  const [asked, setAsked] = useState<AskedTime>({ at, from, to })
  const query = useQuery(`${name}:${asked.at}:${asked.from}:${asked.to}`, async () => ({
    asked,
    value: await fetcher(asked),
  }))
  const answered = query.data?.asked === asked || query.error !== undefined
  if (answered && (asked.at !== at || asked.from !== from || asked.to !== to)) setAsked({ at, from, to })
  return { data: query.data?.value, error: query.error, loading: query.loading, asked }
}
