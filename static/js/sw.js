// The portal's service worker. The server fills in RELEASE and PRECACHE (see portal/shell/views.py);
// every release gets fresh caches and the previous ones are deleted when it activates.
const RELEASE = "__RELEASE__";
const PRECACHE = "__PRECACHE__";
const SHELL_CACHE = `shell-${RELEASE}`;
const PAGES_CACHE = `pages-${RELEASE}`;
const MEDIA_CACHE = `media-${RELEASE}`;
const OFFLINE_URL = "/offline/";
const NETWORK_TIMEOUT_MS = 6000;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    // "reload": never fill a new release's cache from the HTTP cache of the old one.
    await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" })));
    // The very first install takes control at once; updates wait for the page to ask.
    if (!self.registration.active) await self.skipWaiting();
  })());
});

async function keepOfflinePageIn(lang) {
  // The offline page is pre-cached in the language of the moment of install; when a page tells
  // us the person reads another language now, fetch it again (the server answers in their
  // language and says which in Content-Language).
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(OFFLINE_URL);
  if (cached && cached.headers.get("Content-Language") === lang) return;
  try {
    await cache.add(new Request(OFFLINE_URL, { cache: "reload" }));
  } catch {
    // Offline right now: keep the one we have.
  }
}

self.addEventListener("message", (event) => {
  if (event.data?.type === "SKIP_WAITING") self.skipWaiting();
  if (event.data?.type === "LANGUAGE" && typeof event.data.lang === "string") {
    event.waitUntil(keepOfflinePageIn(event.data.lang));
  }
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keep = new Set([SHELL_CACHE, PAGES_CACHE, MEDIA_CACHE]);
    for (const name of await caches.keys()) {
      const ours = ["shell-", "pages-", "media-"].some((prefix) => name.startsWith(prefix));
      if (ours && !keep.has(name)) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
                 (error) => { clearTimeout(timer); reject(error); });
  });
}

async function remember(request, response) {
  const cacheControl = response.headers.get("Cache-Control") || "";
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok || response.redirected || cacheControl.includes("no-store")
      || !type.startsWith("text/html")) return;
  const headers = new Headers(response.headers);
  headers.set("X-Cached-At", String(Date.now()));
  const body = await response.clone().arrayBuffer();
  const cache = await caches.open(PAGES_CACHE);
  await cache.put(request.url, new Response(body, { status: response.status, headers }));
}

async function fromCache(request) {
  // The page as last seen, else the copy in a downloaded lesson pack (those caches outlive
  // releases: the learner chose to keep them).
  const cache = await caches.open(PAGES_CACHE);
  const cached = (await cache.match(request.url)) || (await caches.match(request.url));
  if (!cached) return null;
  // Mark the page so it can say how old it is.
  const html = (await cached.text()).replace(
    "<html ", `<html data-cached-at="${cached.headers.get("X-Cached-At") || ""}" `);
  return new Response(html, { status: 200, headers: cached.headers });
}

async function navigate(event) {
  try {
    const response = await withTimeout(fetch(event.request), NETWORK_TIMEOUT_MS);
    event.waitUntil(remember(event.request, response));
    return response;
  } catch {
    return (await fromCache(event.request))
      || (await caches.match(OFFLINE_URL))
      || Response.error();
  }
}

// Lesson pages change rarely: on a repeat visit they come from the cache at once (the phone
// budget is one second) and are fetched again in the background; the fresh page is stored for
// next time and handed to the open page, which takes its changed parts ([data-refresh]).
const CACHE_FIRST = /^\/lessons\/(\d+\/)?$/;

async function cachedPage(url) {
  const pages = await caches.open(PAGES_CACHE);
  return (await pages.match(url)) || (await caches.match(url));
}

async function refreshInBackground(event) {
  const response = await fetch(event.request);
  await remember(event.request, response.clone());
  if (!response.ok || response.redirected) return;
  const client = await self.clients.get(event.resultingClientId);
  client?.postMessage({ type: "PAGE_FRESH", url: event.request.url, html: await response.text() });
}

async function cacheFirst(event) {
  const cached = await cachedPage(event.request.url);
  if (!cached) return navigate(event);
  event.waitUntil(refreshInBackground(event).catch(() => {}));
  return cached;
}

async function staticFile(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(SHELL_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

async function partOf(response, range) {
  // Audio players ask for byte ranges; a cached recording answers them from its whole body.
  const body = await response.arrayBuffer();
  const [, startText, endText] = /bytes=(\d*)-(\d*)/.exec(range) || [];
  const start = startText ? Number(startText) : Math.max(0, body.byteLength - Number(endText || 0));
  const end = endText && startText ? Math.min(Number(endText), body.byteLength - 1) : body.byteLength - 1;
  const headers = new Headers(response.headers);
  headers.set("Content-Range", `bytes ${start}-${end}/${body.byteLength}`);
  headers.set("Content-Length", String(end - start + 1));
  return new Response(body.slice(start, end + 1), { status: 206, headers });
}

// Pictures and recordings: names never change (one per upload), so any cached copy is right.
// Offline, a picture width the pack did not keep is answered with a width it did.
async function mediaFile(request) {
  const range = request.headers.get("range");
  const cached = await caches.match(request.url);
  if (cached) return range ? partOf(cached, range) : cached;
  try {
    const response = await fetch(request);
    // Pictures are kept for the next visit (their names never change); files a page must not
    // leave behind say no-store, and recordings (asked in ranges) stay with the packs.
    const cacheControl = response.headers.get("Cache-Control") || "";
    if (response.status === 200 && !range && !cacheControl.includes("no-store")
        && new URL(request.url).pathname.startsWith("/media/images/")) {
      const cache = await caches.open(MEDIA_CACHE);
      await cache.put(request.url, response.clone());
    }
    return response;
  } catch (error) {
    const folder = new URL(request.url).pathname.replace(/[^/]*$/, "");
    if (folder.startsWith("/media/images/")) {
      for (const name of await caches.keys()) {
        if (!name.startsWith("lessons-")) continue;
        const cache = await caches.open(name);
        for (const key of await cache.keys()) {
          if (new URL(key.url).pathname.startsWith(folder)) return cache.match(key);
        }
      }
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(CACHE_FIRST.test(url.pathname) ? cacheFirst(event) : navigate(event));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(request));
  } else if (url.pathname.startsWith("/media/")) {
    event.respondWith(mediaFile(request));
  }
});

// Background Sync: the outbox asked to be replayed when the connection is back. The pages own
// the outbox (IndexedDB, their CSRF token); the worker wakes every open one to send it.
self.addEventListener("sync", (event) => {
  if (event.tag !== "outbox") return;
  event.waitUntil((async () => {
    for (const client of await self.clients.matchAll({ type: "window" })) {
      client.postMessage({ type: "FLUSH_OUTBOX" });
    }
  })());
});

// Web Push (portal/notifications/push.py): a reminder while the portal is closed. The message
// holds a generic title and text and a path, never names, times or places: the lock screen of a
// shared phone shows it. Every push shows a notification (the browser requires it).
const ICON = PRECACHE.find((url) => url.includes("/icons/icon-192")) || "/static/icons/icon-192.png";

function ownPath(url) {
  // Only a page of this portal opens from a notification.
  try {
    const target = new URL(url || "/", self.location.origin);
    return target.origin === self.location.origin ? target.href : self.location.origin + "/";
  } catch {
    return self.location.origin + "/";
  }
}

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data?.json() || {};
  } catch {
    // Not JSON: still show that something is waiting.
  }
  event.waitUntil(self.registration.showNotification(String(message.title || "Inburgering"), {
    body: String(message.body || ""),
    icon: ICON,
    badge: ICON,
    tag: "reminder",
    data: { url: ownPath(message.url) },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = event.notification.data?.url || ownPath("/");
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((client) => client.url === url);
    // A window already there is focused; another page open is left as it is (it may hold a
    // half-written form), the reminder opens its own.
    if (open) return open.focus();
    return self.clients.openWindow(url);
  })());
});
