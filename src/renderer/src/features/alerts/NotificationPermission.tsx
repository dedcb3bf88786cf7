// In a browser (headless mode) alerts become notifications only once the engineer allows them; the desktop
// app shows them itself, so there nothing is asked.
import { useState } from 'react'
import { useStatus } from '../../app/StatusContext'

type Permission = NotificationPermission | 'unsupported'

const current = (): Permission =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission

export function NotificationPermission() {
  const { status } = useStatus()
  const [permission, setPermission] = useState<Permission>(current)
  const [asking, setAsking] = useState(false)
  if (status?.mode !== 'headless' || permission === 'unsupported') return null

  const ask = () => {
    setAsking(true)
    Notification.requestPermission()
      .then(setPermission, () => setPermission(current()))
      .finally(() => setAsking(false))
  }

  if (permission === 'default') {
    return (
      <button
        type="button"
        className="al-primary"
        onClick={ask}
        disabled={asking}
        data-testid="enable-notifications"
      >
        {asking ? 'Asking the browser…' : 'Enable browser notifications'}
      </button>
    )
  }
  return (
    <span
      className={`al-notify-state ${permission === 'granted' ? 'level-ok' : 'level-warn'}`}
      data-testid="notification-permission"
      data-permission={permission}
    >
      {permission === 'granted'
        ? 'Browser notifications on'
        : 'Browser notifications blocked: allow them in this site’s browser settings'}
    </span>
  )
}
