// Hearth portal service worker. Its one job: when the hub cannot be reached, a page load shows
// the offline shell instead of the browser's error. Only that shell is cached — never API
// responses, never private media, never the app bundle (those stay behind the hub's access rules).
const CACHE = 'hearth-shell-v1';
const SHELL = '/offline.html';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.add(new Request(SHELL, { cache: 'reload' })))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

/**
 * Photos shared from the phone (manifest share_target) arrive here as a form POST. They go to the
 * gallery through the ordinary upload route with the signed-in session's CSRF token, so the hub
 * applies its usual checks (role, CSRF, size and type limits, audit); nothing is stored here.
 */
const MAX_SHARED = 20;
/** Why the hub refused an upload, as the gallery's notice names it (share-reason). */
const REASONS = { 401: 'signed-out', 403: 'forbidden', 413: 'too-large', 415: 'wrong-type' };

/** The gallery, saying how many shared files were not saved and why (nothing is dropped silently). */
function toGallery(failed, total, reason) {
  if (!failed) return Response.redirect('/gallery', 303);
  return Response.redirect(`/gallery?${new URLSearchParams({ 'share-failed': String(failed), 'share-total': String(total), 'share-reason': reason })}`, 303);
}

async function shareToGallery(request) {
  const form = await request.formData();
  const all = form.getAll('photos').filter((f) => typeof f !== 'string');
  const session = await (await fetch('/api/session', { cache: 'no-store' })).json();
  // Signed out: the gallery shows the login page with the notice, then the gallery after login.
  if (!session.csrfToken) return toGallery(all.length || 1, all.length, 'signed-out');
  const reasons = [];
  for (const file of all.slice(0, MAX_SHARED)) {
    const body = new FormData();
    body.append('file', file, file.name || 'shared-photo');
    const res = await fetch('/api/media', { method: 'POST', body, headers: { 'x-csrf-token': session.csrfToken } });
    if (!res.ok) reasons.push(REASONS[res.status] ?? 'failed');
  }
  if (all.length > MAX_SHARED) reasons.push(...Array(all.length - MAX_SHARED).fill('too-many'));
  // One reason is named: the one most of the refused files share.
  const counts = new Map();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'failed';
  return toGallery(reasons.length, all.length, top);
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method === 'POST' && url.origin === self.location.origin && url.pathname === '/share-target') {
    event.respondWith(shareToGallery(event.request).catch(() => Response.redirect('/gallery?share-reason=unreachable', 303)));
    return;
  }
  // Page loads only; every other request goes to the network untouched.
  if (event.request.mode !== 'navigate') return;
  event.respondWith(fetch(event.request).catch(async () => (await caches.match(SHELL, { cacheName: CACHE })) ?? Response.error()));
});

/**
 * Web Push: the hub sends a small JSON message (PushMessage in protocol/src/push.ts), already in
 * the language this device chose. It is shown as is; a tap opens the job's or comic's page.
 */
self.addEventListener('push', (event) => {
  let message;
  try {
    message = event.data ? event.data.json() : null;
  } catch {
    message = null;
  }
  if (!message || typeof message.title !== 'string') return;
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: typeof message.body === 'string' ? message.body : '',
      tag: typeof message.tag === 'string' ? message.tag : undefined,
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      data: { url: samePath(message.url) },
    }),
  );
});

/** Only a path on this hub is opened, never another site. */
function samePath(url) {
  try {
    const u = new URL(typeof url === 'string' ? url : '/', self.location.origin);
    return u.origin === self.location.origin ? u.pathname + u.search : '/';
  } catch {
    return '/';
  }
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = samePath(event.notification.data && event.notification.data.url);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      // navigate() only works on a page this worker controls; otherwise a new window.
      const moved = open ? await open.navigate(path).catch(() => null) : null;
      if (moved) return moved.focus().catch(() => moved);
      return self.clients.openWindow(path);
    })(),
  );
});
