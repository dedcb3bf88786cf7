// The name people sign acknowledgements and silences with, remembered in this browser so it is typed once.
const KEY = 'vigia-ack-name'

export function rememberedName(): string {
  try {
    return localStorage.getItem(KEY) ?? ''
  } catch {
    return ''
  }
}

export function rememberName(name: string): void {
  try {
    localStorage.setItem(KEY, name.trim())
  } catch {
    // Storage may be off (private mode): the name is then simply asked again next time.
  }
}
