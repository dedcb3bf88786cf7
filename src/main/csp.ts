// The one Content Security Policy. src/renderer/index.html carries it as a <meta> for Electron (a test keeps
// the two equal); the headless server sends it as a header, plus frame-ancestors, which a <meta> cannot
// carry. Nothing remote, no inline script, no eval; WebSocket only back to where the page came from.
export const META_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')

export const CONTENT_SECURITY_POLICY = `${META_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`
