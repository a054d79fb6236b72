// Download a module for offline study: ask the server what it takes (size shown first), fetch it
// into a cache of its own that survives app updates, and delete it to free space. The service
// worker answers lesson pages, pictures and recordings from these caches when offline.
const MANIFEST = "/__pack__.json";

function formatBytes(bytes) {
  const lang = document.documentElement.lang || "nl";
  const units = [["megabyte", 1024 * 1024], ["kilobyte", 1024]];
  for (const [unit, size] of units) {
    if (bytes >= size || unit === "kilobyte") {
      return new Intl.NumberFormat(lang, {
        style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1,
      }).format(bytes / size);
    }
  }
  return String(bytes);
}

function label(element, key, values = {}) {
  let text = element.dataset[key] || "";
  for (const [name, value] of Object.entries(values)) text = text.replace(`__${name}__`, value);
  return text;
}

async function stored(cacheName) {
  if (!(await caches.has(cacheName))) return null;
  const cache = await caches.open(cacheName);
  const manifest = await cache.match(MANIFEST);
  return manifest ? manifest.json() : null;
}

async function fetchInto(cache, url) {
  const response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const body = await response.arrayBuffer();
  const headers = new Headers(response.headers);
  headers.set("X-Cached-At", String(Date.now()));
  await cache.put(url, new Response(body, { status: 200, headers }));
  return body.byteLength;
}

function setUp(section) {
  const controls = section.querySelector("[data-pack-controls]");
  const statusLine = controls.querySelector("[data-pack-status]");
  const ask = controls.querySelector("[data-pack-ask]");
  const start = controls.querySelector("[data-pack-start]");
  const cancel = controls.querySelector("[data-pack-cancel]");
  const remove = controls.querySelector("[data-pack-delete]");
  const cacheName = `lessons-${section.dataset.module}`;
  let plan = null;

  function show(state, text = "") {
    ask.hidden = state !== "idle";
    start.hidden = cancel.hidden = state !== "asking";
    remove.hidden = state !== "stored";
    statusLine.textContent = text;
    section.dataset.packState = state;
  }

  ask.addEventListener("click", async () => {
    try {
      const response = await fetch(section.dataset.pack, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      plan = await response.json();
    } catch {
      show("idle", label(controls, "failedLabel"));
      return;
    }
    let text = label(controls, "sizeLabel", { SIZE: formatBytes(plan.bytes) });
    try {
      const { quota, usage } = await navigator.storage.estimate();
      if (quota) text += ` ${label(controls, "spaceLabel", { SIZE: formatBytes(quota - usage) })}`;
    } catch { /* no estimate on this browser */ }
    show("asking", text);
    start.focus();
  });

  cancel.addEventListener("click", () => { show("idle"); ask.focus(); });

  start.addEventListener("click", async () => {
    show("downloading", label(controls, "progressLabel", { N: 0, TOTAL: plan.urls.length }));
    const cache = await caches.open(cacheName);
    let bytes = 0;
    try {
      for (const [index, url] of plan.urls.entries()) {
        bytes += await fetchInto(cache, url);
        statusLine.textContent = label(controls, "progressLabel", { N: index + 1, TOTAL: plan.urls.length });
      }
      const manifest = { ...plan, stored: bytes, at: Date.now() };
      await cache.put(MANIFEST, new Response(JSON.stringify(manifest), {
        headers: { "Content-Type": "application/json" },
      }));
      show("stored", label(controls, "doneLabel", { SIZE: formatBytes(bytes) }));
    } catch {
      // Half a pack is no pack: nothing stays behind that looks downloaded.
      await caches.delete(cacheName);
      show("idle", label(controls, "failedLabel"));
    }
  });

  remove.addEventListener("click", async () => {
    await caches.delete(cacheName);
    show("idle");
    ask.focus();
  });

  controls.hidden = false;
  stored(cacheName).then((manifest) => {
    if (manifest) show("stored", label(controls, "doneLabel", { SIZE: formatBytes(manifest.stored) }));
    else show("idle");
  });
}

if ("caches" in window) {
  for (const section of document.querySelectorAll("[data-module][data-pack]")) setUp(section);
}
