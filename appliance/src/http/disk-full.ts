import { HttpError } from './errors.js';

/** ENOSPC from the file system, EDQUOT from a quota, SQLITE_FULL from SQLite: the disk has no room. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}

/** 507 with what a person can do about it. */
export function diskFull(what: string): HttpError {
  return new HttpError(507, `The appliance's disk is full: ${what} could not be saved. Free some space (delete old pictures or backups) and try again.`);
}
