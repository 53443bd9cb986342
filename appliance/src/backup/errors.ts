/** A backup or restore problem the operator can act on; the CLI prints its message without a stack. */
export class BackupError extends Error {
  override name = 'BackupError';
}
