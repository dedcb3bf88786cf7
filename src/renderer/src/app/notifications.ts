// In a browser (the headless mode) alerts are shown with the Notification API; the desktop app shows them
// itself from the main process, so there the page stays silent. A click brings the page to the server.
import { useEffect } from 'react'
import { useApi } from './api-context'
import { useStatus } from './StatusContext'

export function useBrowserNotifications(): void {
  const api = useApi()
  const { status } = useStatus()
  const headless = status?.mode === 'headless'
  useEffect(() => {
    if (!headless || typeof Notification === 'undefined') return
    return api.onPush((event) => {
      if (event.type !== 'notify' || Notification.permission !== 'granted') return
      const notification = new Notification(event.title, { body: event.body, tag: event.target })
      notification.onclick = () => {
        window.focus()
        location.hash = event.target
      }
    })
  }, [api, headless])
}
