// Hearth portal service worker. Its one job: when the hub cannot be reached, a page load shows
// the offline shell instead of the browser's error. Only that shell is cached — never API
// responses, never private media, never the app bundle (those stay behind the hub's access rules).
const CACHE = 'hearth-shell-v1';
const SHELL = '/offline.html';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.add(new Request(SHELL, { cache: 'reload' }))).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
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
async function shareToGallery(request) {
  const form = await request.formData();
  const files = form.getAll('photos').filter((f) => typeof f !== 'string').slice(0, MAX_SHARED);
  const session = await (await fetch('/api/session', { cache: 'no-store' })).json();
  if (!session.csrfToken) return Response.redirect('/', 303);
  let failed = 0;
  for (const file of files) {
    const body = new FormData();
    body.append('file', file, file.name || 'shared-photo');
    const res = await fetch('/api/media', { method: 'POST', body, headers: { 'x-csrf-token': session.csrfToken } });
    if (!res.ok) failed += 1;
  }
  return Response.redirect(failed ? `/gallery?share-failed=${failed}` : '/gallery', 303);
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method === 'POST' && url.origin === self.location.origin && url.pathname === '/share-target') {
    event.respondWith(shareToGallery(event.request).catch(() => Response.redirect('/gallery?share-failed=all', 303)));
    return;
  }
  // Page loads only; every other request goes to the network untouched.
  if (event.request.mode !== 'navigate') return;
  event.respondWith(
    fetch(event.request).catch(async () => (await caches.match(SHELL, { cacheName: CACHE })) ?? Response.error()),
  );
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
  event.waitUntil(self.registration.showNotification(message.title, {
    body: typeof message.body === 'string' ? message.body : '',
    tag: typeof message.tag === 'string' ? message.tag : undefined,
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    data: { url: samePath(message.url) },
  }));
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
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
    // navigate() only works on a page this worker controls; otherwise a new window.
    const moved = open ? await open.navigate(path).catch(() => null) : null;
    if (moved) return moved.focus().catch(() => moved);
    return self.clients.openWindow(path);
  })());
});
