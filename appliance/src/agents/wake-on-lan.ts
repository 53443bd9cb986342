import { createSocket } from 'node:dgram';

/** A Wake-on-LAN magic packet: 6 × 0xFF, then the MAC 16 times (102 bytes). */
export function magicPacket(mac: string): Buffer {
  const bytes = mac.split(/[:-]/).map((h) => Number.parseInt(h, 16));
  if (bytes.length !== 6 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) throw new Error(`"${mac}" is not a MAC address`);
  const packet = Buffer.alloc(6 + 16 * 6, 0xff);
  for (let i = 0; i < 16; i++) Buffer.from(bytes).copy(packet, 6 + i * 6);
  return packet;
}

export interface WakeTarget {
  broadcastAddress: string;
  port: number;
}

/** Send one magic packet per MAC over UDP broadcast. */
export async function sendMagicPackets(macs: readonly string[], target: WakeTarget): Promise<void> {
  if (macs.length === 0) return;
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, () => {
        socket.setBroadcast(true);
        resolve();
      });
    });
    for (const mac of macs) {
      await new Promise<void>((resolve, reject) =>
        socket.send(magicPacket(mac), target.port, target.broadcastAddress, (err) => (err ? reject(err) : resolve())),
      );
    }
  } finally {
    socket.close();
  }
}
