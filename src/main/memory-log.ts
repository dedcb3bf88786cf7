// VIGIA_MEMORY_LOG=1: the thread's memory every 5 s on stderr: its V8 heap, and what it holds outside it
// (external memory, of which ArrayBuffers, such as frames' bytes), to tell which thread a swing of the
// process's RSS is in (the soak's, docs/soak.md). Each thread has its own heap; rss is the process's.
const EVERY_MS = 5000

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0)

export function logMemoryIfAsked(thread: string): void {
  if (process.env.VIGIA_MEMORY_LOG !== '1') return
  setInterval(() => {
    const m = process.memoryUsage()
    console.error(
      `vigia-memory ${thread}: heap ${mb(m.heapUsed)} of ${mb(m.heapTotal)} MB, external ${mb(m.external)} MB ` +
        `(ArrayBuffers ${mb(m.arrayBuffers)} MB), process rss ${mb(m.rss)} MB`,
    )
  }, EVERY_MS).unref()
}
