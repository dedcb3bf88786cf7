// An alert's history: each change of state (with its event time) and each person's action (who and why).
import type { AlertLogEntry } from '../../../../shared/alerts'
import { formatWhen, logLabel } from './alert-text'

export function AlertLog({ entries }: { entries: AlertLogEntry[] }) {
  return (
    <div className="al-scroll">
      <table className="al-table" data-testid="alert-log">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Event time</th>
            <th scope="col">What</th>
            <th scope="col">Who</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e, i) => (
            <tr key={i} data-testid="alert-log-entry" data-kind={e.kind}>
              <td>{formatWhen(e.at)}</td>
              <td>{e.eventTime === null ? '–' : formatWhen(e.eventTime)}</td>
              <td>{logLabel(e)}</td>
              <td>{e.who ?? <span className="al-muted">Vigia</span>}</td>
              <td className="al-wrap">{e.comment ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
