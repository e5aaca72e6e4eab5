/* Service worker of the village doctor's app: the shell is cached at install, so the app opens with no
   signal; the API is never cached (patient data lives in IndexedDB, cleared at logout). */
const CACHE = "countyhealth-sync-{{ version }}";
const ASSETS = {{ assets|safe }};
const SHELL = ASSETS[0];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("countyhealth-sync-") && k !== CACHE)
        .map((k) => caches.delete(k))))
      .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
    return;
  }
  if (event.request.mode === "navigate") {
    // Network first so a new version arrives when online; the cached shell when not.
    event.respondWith(fetch(event.request).then((response) => {
      const copy = response.clone();
      if (response.ok) caches.open(CACHE).then((cache) => cache.put(SHELL, copy));
      return response;
    }).catch(() => caches.match(SHELL)));
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(event.request)));
  }
});
