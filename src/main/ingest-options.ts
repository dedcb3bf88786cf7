import { DEFAULT_INGEST, type IngestServerOptions } from './ingest-server'

/** The ingestion endpoint of the desktop app: loopback by default, VIGIA_INGEST_* and VIGIA_TOKEN to change. */
export function ingestOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): IngestServerOptions {
  return {
    ...DEFAULT_INGEST,
    host: env.VIGIA_INGEST_HOST ?? DEFAULT_INGEST.host,
    port: env.VIGIA_INGEST_PORT ? Number(env.VIGIA_INGEST_PORT) : DEFAULT_INGEST.port,
    token: env.VIGIA_TOKEN || undefined,
  }
}
