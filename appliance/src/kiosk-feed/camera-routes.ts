import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError } from '../http/errors.js';

/** A doorbell snapshot is a few hundred KB; anything far larger is not a picture for the wall. */
const MAX_BYTES = 8 * 1024 * 1024;

/**
 * `GET /api/kiosk/camera`: the doorbell camera's current picture, fetched from HA's camera proxy
 * with the appliance's token. Only the camera the admin chose, so a wall cannot browse the house's
 * cameras; the kiosk polls it while the doorbell view is up.
 */
export const cameraRoutes: FastifyPluginAsyncTypebox<{ camera: () => string | undefined }> = async (app, { camera }) => {
  app.get('/api/kiosk/camera', {
    config: { access: ['kiosk', 'admin'] },
    schema: { tags: ['kiosk'], summary: 'The doorbell camera’s current picture, through the appliance (HA’s token stays here)' },
  }, async (_request, reply) => {
    const entityId = camera();
    if (!entityId) throw new HttpError(404, 'No doorbell camera is set for the wall display');
    if (!app.hasDecorator('homeAssistant')) throw new HttpError(404, 'Home Assistant is not part of this appliance');
    let image: { contentType: string; body: Buffer };
    try {
      image = await app.homeAssistant.cameraImage(entityId);
    } catch (err) {
      throw new HttpError(502, `The doorbell camera is not available: ${(err as Error).message}`);
    }
    if (image.body.length > MAX_BYTES || !image.contentType.startsWith('image/')) throw new HttpError(502, 'The doorbell camera sent something that is not a picture');
    return reply.header('cache-control', 'no-store').type(image.contentType).send(image.body);
  });
};
