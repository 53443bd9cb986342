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
