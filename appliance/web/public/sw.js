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

self.addEventListener('fetch', (event) => {
  // Page loads only; every other request goes to the network untouched.
  if (event.request.mode !== 'navigate') return;
  event.respondWith(
    fetch(event.request).catch(async () => (await caches.match(SHELL, { cacheName: CACHE })) ?? Response.error()),
  );
});
