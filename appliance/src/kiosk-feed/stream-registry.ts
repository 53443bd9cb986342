import type { Socket } from 'node:net';

/**
 * The sockets of open event streams per device, so revoking a kiosk cuts its live stream at
 * once instead of leaving it fed until it happens to reconnect.
 */
export class DeviceStreams {
  private readonly sockets = new Map<number, Set<Socket>>();

  add(deviceId: number, socket: Socket): void {
    let set = this.sockets.get(deviceId);
    if (!set) this.sockets.set(deviceId, (set = new Set()));
    set.add(socket);
    socket.once('close', () => {
      set.delete(socket);
      if (set.size === 0 && this.sockets.get(deviceId) === set) this.sockets.delete(deviceId);
    });
  }

  /** Cut every stream of a device; returns how many were cut. */
  cut(deviceId: number): number {
    const set = this.sockets.get(deviceId);
    if (!set) return 0;
    const n = set.size;
    for (const socket of set) socket.destroy();
    this.sockets.delete(deviceId);
    return n;
  }
}
