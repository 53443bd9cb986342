import { randomBytes } from 'node:crypto';
import { connectWebSocket } from './client.js';

async function postJson(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`POST ${new URL(url).pathname}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

function field(value: unknown, name: string): string {
  const v = (value as Record<string, unknown> | null)?.[name];
  if (typeof v !== 'string' || !v) throw new Error(`Home Assistant answered without ${name}`);
  return v;
}

/**
 * Creates the owner of a fresh HA through onboarding and returns a long-lived access token:
 * POST /api/onboarding/users (works once, no auth) gives an auth code, /auth/token exchanges it
 * (client_id is the base URL), and the websocket command auth/long_lived_access_token makes
 * a token that survives restarts.
 */
export async function createOwnerToken(url: string): Promise<string> {
  const clientId = `${url}/`;
  const created = await postJson(`${url}/api/onboarding/users`, {
    client_id: clientId,
    name: 'Hearth Test Owner',
    username: 'hearth-owner',
    password: randomBytes(18).toString('base64url'),
    language: 'en',
  });
  const form = new URLSearchParams({ grant_type: 'authorization_code', code: field(created, 'auth_code'), client_id: clientId });
  const res = await fetch(`${url}/auth/token`, { method: 'POST', body: form, signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`POST /auth/token: HTTP ${res.status} ${await res.text()}`);
  const accessToken = field(await res.json(), 'access_token');

  const conn = await connectWebSocket(url, accessToken);
  try {
    return await conn.sendMessagePromise<string>({
      type: 'auth/long_lived_access_token',
      client_name: 'hearth-tests',
      lifespan: 30,
    });
  } finally {
    conn.close();
  }
}
