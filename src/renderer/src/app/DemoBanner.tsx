import { useApi } from './api-context'
import { useStatus } from './StatusContext'

/** Demo data is never mistaken for the network: a banner says so, with the switch to stop it. */
export function DemoBanner() {
  const api = useApi()
  const { status, refresh } = useStatus()
  if (!status || (!status.demo.running && !status.hasDemoData)) return null
  return (
    <div className="demo-banner" role="status" data-testid="demo-banner">
      {status.demo.running ? (
        <>
          <strong>Demo data.</strong> A built-in simulator is feeding {status.demo.rate} events/s so that you
          can see Vigia at work. Connect your device apps to <code>{status.ingestUrl}</code>, then
          <button type="button" onClick={() => void api.call('demo:set', { on: false }).then(refresh)}>
            Stop the demo feed
          </button>
        </>
      ) : (
        <>
          <strong>This database holds demo data</strong> from the built-in simulator, mixed with what you
          import.
          <button type="button" onClick={() => void api.call('demo:set', { on: true }).then(refresh)}>
            Restart the demo feed
          </button>
        </>
      )}
    </div>
  )
}
