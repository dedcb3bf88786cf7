import { EventEmitter } from 'node:events'
import type { Session, WebContents } from 'electron'
import { describe, expect, it } from 'vitest'
import { isAppUrl, lockDownSession, lockDownWebContents, SECURE_WEB_PREFERENCES } from './security'

class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | undefined
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler
  }
}

/** Emits an Electron-style event and tells whether a listener prevented its default. */
function prevented(contents: FakeContents, name: string, ...args: unknown[]): boolean {
  let stopped = false
  contents.emit(name, { preventDefault: () => (stopped = true) }, ...args)
  return stopped
}

describe('the Electron security checklist', () => {
  it('isolates the renderer: context isolation, sandbox, no Node integration, web security on', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
  })

  it('denies navigation away from the app, new windows and webviews', () => {
    const contents = new FakeContents()
    lockDownWebContents(contents as unknown as WebContents, undefined)
    expect(prevented(contents, 'will-navigate', 'https://example.com/')).toBe(true)
    expect(prevented(contents, 'will-redirect', 'http://127.0.0.1:9999/')).toBe(true)
    expect(prevented(contents, 'will-navigate', 'file:///app/out/renderer/index.html#/servers')).toBe(false)
    expect(prevented(contents, 'will-attach-webview')).toBe(true)
    expect(contents.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' })
  })

  it('trusts the dev server only when one is configured', () => {
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173/')).toBe(true)
    expect(isAppUrl('http://localhost:5173/', undefined)).toBe(false)
  })

  it('denies every permission request but notifications', () => {
    let request: ((c: unknown, permission: string, callback: (ok: boolean) => void) => void) | undefined
    let check: ((c: unknown, permission: string) => boolean) | undefined
    const session = {
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
    }
    lockDownSession(session as unknown as Session)
    const answers: Record<string, boolean> = {}
    for (const p of ['media', 'geolocation', 'clipboard-read', 'notifications', 'openExternal']) {
      request!(null, p, (ok) => (answers[p] = ok))
    }
    expect(answers).toEqual({
      media: false,
      geolocation: false,
      'clipboard-read': false,
      notifications: true,
      openExternal: false,
    })
    expect(check!(null, 'media')).toBe(false)
  })
})
