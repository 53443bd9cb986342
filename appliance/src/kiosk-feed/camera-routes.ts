import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { HttpError } from '../http/errors.js';

/** A doorbell snapshot is a few hundred KB; anything far larger is not a picture for the wall. */
const MAX_BYTES = 8 * 1024 * 1024;
/** The doorbell view lasts at most 10 minutes (`showS`); a stream left open longer is cut. */
const MAX_STREAM_MS = 10 * 60_000;

/**
 * `GET /api/kiosk/camera`: the doorbell camera's current picture, fetched from HA's camera proxy
 * with the appliance's token. Only the camera the admin chose, so a wall cannot browse the house's
 * cameras. The kiosk shows `/api/kiosk/camera/stream` (HA's MJPEG stream, passed through) and
 * falls back to polling single pictures when the stream fails.
 */
export const cameraRoutes: FastifyPluginAsyncTypebox<{ camera: () => string | undefined }> = async (app, { camera }) => {
  app.get(
    '/api/kiosk/camera',
    {
      config: { access: ['kiosk', 'admin'] },
      schema: { tags: ['kiosk'], summary: 'The doorbell camera’s current picture, through the appliance (HA’s token stays here)' },
    },
    async (_request, reply) => {
      const entityId = camera();
      if (!entityId) throw new HttpError(404, 'No doorbell camera is set for the wall display');
      if (!app.hasDecorator('homeAssistant')) throw new HttpError(404, 'Home Assistant is not part of this appliance');
      let image: { contentType: string; body: Buffer };
      try {
        image = await app.homeAssistant.cameraImage(entityId);
      } catch (err) {
        throw new HttpError(502, `The doorbell camera is not available: ${(err as Error).message}`);
      }
      if (image.body.length > MAX_BYTES || !image.contentType.startsWith('image/'))
        throw new HttpError(502, 'The doorbell camera sent something that is not a picture');
      return reply.header('cache-control', 'no-store').type(image.contentType).send(image.body);
    },
  );

  app.get(
    '/api/kiosk/camera/stream',
    {
      config: { access: ['kiosk', 'admin'] },
      schema: { tags: ['kiosk'], summary: 'The doorbell camera as HA’s MJPEG stream, through the appliance (HA’s token stays here)' },
    },
    async (request, reply) => {
      const entityId = camera();
      if (!entityId) throw new HttpError(404, 'No doorbell camera is set for the wall display');
      if (!app.hasDecorator('homeAssistant')) throw new HttpError(404, 'Home Assistant is not part of this appliance');
      const ctl = new AbortController();
      const cut = setTimeout(() => ctl.abort(), MAX_STREAM_MS);
      // The wall closing the view ends HA's stream too: nothing runs on for nobody.
      request.raw.once('close', () => {
        clearTimeout(cut);
        ctl.abort();
      });
      let stream: { contentType: string; body: ReadableStream<Uint8Array> };
      try {
        stream = await app.homeAssistant.cameraStream(entityId, ctl.signal);
      } catch (err) {
        clearTimeout(cut);
        throw new HttpError(502, `The doorbell camera is not available: ${(err as Error).message}`);
      }
      if (!stream.contentType.startsWith('multipart/x-mixed-replace')) {
        ctl.abort();
        throw new HttpError(502, 'The doorbell camera sent something that is not an MJPEG stream');
      }
      const body = Readable.fromWeb(stream.body as WebReadableStream<Uint8Array>);
      body.on('error', () => undefined); // an abort ends the body with an error: that is the normal end
      return reply.header('cache-control', 'no-store').type(stream.contentType).send(body);
    },
  );
};
