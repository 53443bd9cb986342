import type { FastifyRequest } from 'fastify';

/** A direct loopback connection (the appliance's own console), not a local proxy relaying someone else. */
export function isLocalPeer(request: FastifyRequest): boolean {
  const peer = request.socket.remoteAddress ?? '';
  const loopback = peer === '::1' || peer.startsWith('127.') || peer.startsWith('::ffff:127.');
  return loopback && request.headers['x-forwarded-for'] === undefined && request.headers.forwarded === undefined;
}
