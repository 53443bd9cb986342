import type { DomainBus, JobOwnerRef } from '../bus/domain-bus.js';
import { toMediaView } from '../media/media-repo.js';
import { canSee } from '../media/visibility.js';
import { admins, everyone, isAdmin, isKiosk, userAndAdmins } from './audiences.js';
import type { EventHub } from './event-hub.js';

const ownerAndAdmins = (owner: JobOwnerRef) => userAndAdmins(owner.kind === 'user' ? owner.userId : null);

/**
 * Which domain events reach which open streams, in one place: the SSE side of the bus.
 * Identity changes cut the affected streams at once (a demoted admin must not keep hearing admin events).
 */
export function relayDomainEvents(bus: DomainBus, hub: EventHub): Array<() => void> {
  return [
    bus.on('job.changed', ({ job, owner }) => hub.publish({ type: 'job', data: job }, ownerAndAdmins(owner))),
    bus.on('job.progress', ({ jobId, owner, progress }) => hub.publish({ type: 'job.progress', data: { jobId, progress } }, ownerAndAdmins(owner))),
    bus.on('media.added', ({ media }) => hub.publish({ type: 'media', data: toMediaView(media) }, (p) => canSee(p, media))),
    bus.on('media.changed', ({ media, before }) => {
      // Those who lose sight of it are told it is gone; the rest get the new view.
      hub.publish({ type: 'media.deleted', data: { id: media.id } }, (p) => canSee(p, before) && !canSee(p, media));
      hub.publish({ type: 'media', data: toMediaView(media) }, (p) => canSee(p, media));
    }),
    bus.on('media.deleted', ({ media }) => hub.publish({ type: 'media.deleted', data: { id: media.id } }, (p) => canSee(p, media))),
    bus.on('agent.changed', (agent) => hub.publish({ type: 'agent', data: agent }, everyone)),
    bus.on('ha.stateChanged', ({ state, kioskVisible }) => hub.publish({ type: 'ha.state', data: state }, (p) => admins(p) || (kioskVisible && isKiosk(p)))),
    bus.on('kiosk.controlChanged', (state) => hub.publish({ type: 'kiosk.control', data: state }, (p) => isKiosk(p) || isAdmin(p))),
    bus.on('kiosk.presenceChanged', (state) => hub.publish({ type: 'kiosk.presence', data: state }, (p) => isKiosk(p) || isAdmin(p))),
    bus.on('kiosk.doorbell', (camera) => hub.publish({ type: 'kiosk.camera', data: camera }, isKiosk)),
    bus.on('kiosk.layoutChanged', ({ layout }) => hub.publish({ type: 'kiosk.layout', data: layout }, isKiosk)),
    bus.on('user.sessionsEnded', ({ userId }) => hub.cut((p) => p.kind === 'user' && p.id === userId)),
    bus.on('device.revoked', ({ deviceId }) => hub.cut((p) => p.kind === 'device' && p.id === deviceId)),
  ];
}
