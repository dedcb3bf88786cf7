// Device apps connected to the endpoint now, with how much they send and whether Vigia is keeping up.
import type { StatusDto } from '../../../../shared/api'
import { Panel } from '../../components/Panel'
import { formatCount, formatTime } from '../../lib/format'

export function ConnectionsTable({ status }: { status: StatusDto | undefined }) {
  const connections = status?.connections ?? []
  return (
    <Panel
      title="Connected device apps"
      id="ingest-connections"
      loading={!status}
      empty={connections.length === 0}
      emptyText="No device app is connected. Point one at the endpoint address above."
    >
      <div className="ingest-scroll">
        <table data-testid="connections-table">
          <thead>
            <tr>
              <th scope="col">Peer</th>
              <th scope="col">Connected since</th>
              <th scope="col">Last seen</th>
              <th scope="col" className="num">
                Frames
              </th>
              <th scope="col" className="num">
                Events
              </th>
              <th scope="col" className="num">
                Events/s
              </th>
              <th scope="col" className="num">
                Rejects
              </th>
              <th scope="col">Reading</th>
            </tr>
          </thead>
          <tbody>
            {connections.map((c) => (
              <tr key={c.id} data-testid="connection-row" data-connection={c.id}>
                <td>
                  <code>{c.peer}</code>
                </td>
                <td>{formatTime(c.connectedAt, true)}</td>
                <td>{formatTime(c.lastSeen)}</td>
                <td className="num">{formatCount(c.frames)}</td>
                <td className="num">{formatCount(c.events)}</td>
                <td className="num" data-testid="connection-rate">
                  {formatCount(c.eventsPerSecond)}
                </td>
                <td className={`num ${c.rejects > 0 ? 'level-warn' : ''}`}>{formatCount(c.rejects)}</td>
                <td>
                  {c.paused ? (
                    <span
                      className="level-warn"
                      title="Vigia has stopped reading from it until the engine catches up"
                    >
                      Paused (backpressure)
                    </span>
                  ) : (
                    <span className="level-ok">Reading</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  )
}
