import { PassThrough } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { ADMIN } from '../http/access.js';
import { backupName } from './backup-names.js';
import { writeBackupArchive } from './backup-archive.js';

/** Admin-only download of a complete backup (database, settings, media) as a .tar.gz; secrets sealed with HEARTH_BACKUP_KEY or left out. */
export const backupRoutes: FastifyPluginAsync<{ dataDir: string; key?: string }> = async (app, { dataDir, key }) => {
  app.get(
    '/api/admin/backup',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'Download a backup of everything (restore it with the backup CLI)' },
    },
    async (request, reply) => {
      const body = new PassThrough();
      const name = `${backupName(new Date())}.tar.gz`;
      // Recorded first, so the backup holds its own audit entry.
      app.audit.record({ actor: request.principal, action: 'backup.downloaded', ip: request.ip, detail: { name } });
      writeBackupArchive(dataDir, body, { key }).catch((err: Error) => {
        request.log.error({ err: err.message }, 'backup archive failed');
        app.audit.record({ actor: request.principal, action: 'backup.failed', outcome: 'failed', ip: request.ip, detail: { name, error: err.message } });
        body.destroy(err);
      });
      return reply.type('application/gzip').header('content-disposition', `attachment; filename="${name}"`).send(body);
    },
  );
};
