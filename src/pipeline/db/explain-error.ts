// SQLite and file-system errors, said so that the person at the keyboard knows what to do.

export class DatabaseProblem extends Error {}

export function explainDbError(error: unknown, path: string): Error {
  const code = String((error as { code?: unknown }).code ?? '')
  const message = (error as Error).message ?? String(error)
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || /not a database|malformed/.test(message)) {
    return new DatabaseProblem(
      `${path} is not a usable Vigia database (${message}): move it aside and start again, or choose another file with --db`,
    )
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new DatabaseProblem(
      `${path} is locked by another program (${message}): close the other Vigia or SQLite tool using it, or choose another file with --db`,
    )
  }
  if (code === 'SQLITE_FULL' || /disk is full/.test(message)) {
    return new DatabaseProblem(
      `the disk holding ${path} is full: free some space (or lower the retention days), then retry`,
    )
  }
  if (
    code === 'SQLITE_CANTOPEN' ||
    code === 'SQLITE_READONLY' ||
    ['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST'].includes(code)
  ) {
    return new DatabaseProblem(
      `cannot write the database at ${path} (${message}): check that its folder exists and is writable, or choose another file with --db`,
    )
  }
  return error instanceof Error ? error : new Error(message)
}
