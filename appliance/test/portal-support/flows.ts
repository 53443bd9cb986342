import { expect } from 'vitest';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { HttpClient } from '../support/http-client.js';

export const PASSWORD = 'family password 123';

/** A small real PNG (sharp), distinct per `seed` so content-addressed ids differ. */
export function photo(seed = 0, width = 64, height = 48): Promise<Buffer> {
  const r = (seed * 53) % 256;
  return sharp({ create: { width, height, channels: 3, background: { r, g: 120, b: 200 - (seed % 100) } } })
    .png()
    .toBuffer();
}

/** First run in the browser: the onboarding form creates the admin and lands on Home. */
export async function onboardInBrowser(page: Page, url: string, name = 'Admin'): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByRole('heading', { name: 'Welcome to Hearth' }).waitFor();
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Username', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password again').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create admin account' }).click();
  await page.getByRole('heading', { name: `Hello, ${name}` }).waitFor();
}

export async function loginInBrowser(page: Page, url: string, username: string, password = PASSWORD): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: /^Hello, / }).waitFor();
}

/** The admin's API client for the same appliance (used to set scenes up quickly). */
export async function apiLogin(url: string, username: string, password = PASSWORD): Promise<HttpClient> {
  const c = new HttpClient(url);
  const res = await c.post('/api/auth/login', { username, password });
  expect(res.status, res.text).toBe(200);
  return c;
}

/** Invite over the API and accept it, for people a test needs but does not watch sign up. */
export async function invited(admin: HttpClient, role: 'member' | 'child' | 'admin', username: string, displayName: string): Promise<HttpClient> {
  const invite = await admin.post('/api/admin/invites', { role });
  expect(invite.status, invite.text).toBe(201);
  const c = new HttpClient(admin.baseUrl);
  const res = await c.post('/api/invites/accept', { token: String(invite.json.url).split('#')[1], username, displayName, password: PASSWORD });
  expect(res.status, res.text).toBe(201);
  return c;
}

export async function upload(c: HttpClient, png: Buffer, privacy?: 'private' | 'family' | 'kiosk'): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'photo.png');
  if (privacy) form.append('privacy', privacy);
  const res = await c.post('/api/media', form);
  expect([200, 201], res.text).toContain(res.status);
  return res.json.id as string;
}

/** A small landscape (sky, sun, hills) drawn from SVG, distinct per `seed`: pictures that look like pictures in screenshots. */
export function scene(seed = 0, width = 160, height = 108): Promise<Buffer> {
  const hue = (seed * 67) % 360;
  const sunX = 30 + ((seed * 37) % 100);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 160 108">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl(${hue},70%,55%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360},80%,85%)"/></linearGradient></defs>
    <rect width="160" height="108" fill="url(#sky)"/>
    <circle cx="${sunX}" cy="30" r="14" fill="#ffe27a"/>
    <path d="M0 80 Q40 50 80 78 T160 70 V108 H0 Z" fill="hsl(${(hue + 120) % 360},45%,35%)"/>
    <path d="M0 95 Q50 75 100 92 T160 88 V108 H0 Z" fill="hsl(${(hue + 140) % 360},50%,25%)"/>
    <rect x="${20 + (seed % 5) * 20}" y="70" width="14" height="16" fill="#7a3b1f"/><path d="M${17 + (seed % 5) * 20} 71 l10 -9 l10 9 Z" fill="#b5472a"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
