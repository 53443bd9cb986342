/** Backup folders are named by UTC time so that name order is age order. */
export const BACKUP_PREFIX = 'hearth-';
const NAME = /^hearth-\d{8}T\d{6}(\d{3})?Z(-\d+)?$/;

export function backupName(at: Date): string {
  return `${BACKUP_PREFIX}${at.toISOString().replace(/[-:]/g, '').replace('.', '')}`;
}

export function isBackupName(name: string): boolean {
  return NAME.test(name);
}
