// Files are recognised by their content, not their name: a .log may hold NDJSON, a .csv may be gzipped.
export type FileFormat = 'ndjson' | 'csv' | 'json-array' | 'parquet'

export interface DetectedFormat {
  format: FileFormat
  gzip: boolean
}

export const isGzip = (head: Uint8Array): boolean => head[0] === 0x1f && head[1] === 0x8b

/** `head` is the first bytes of the (decompressed) content. */
export function detectContentFormat(head: Uint8Array): FileFormat {
  if (head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31) return 'parquet'
  const text = new TextDecoder()
    .decode(head)
    .replace(/^\uFEFF/, '')
    .trimStart()
  if (text.startsWith('[')) return 'json-array'
  if (text.startsWith('{')) return 'ndjson'
  return 'csv'
}
