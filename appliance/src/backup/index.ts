export { createBackup, type CreateBackupOptions, type CreatedBackup } from './create-backup.js';
export { restoreBackup, type RestoreOptions, type RestoreResult } from './restore-backup.js';
export { verifyBackup } from './verify-backup.js';
export { listBackups, pruneBackups, type StoredBackup } from './backup-store.js';
export { writeBackupArchive, type ArchiveOptions } from './backup-archive.js';
export { BackupError } from './errors.js';
export type { Manifest } from './manifest.js';
