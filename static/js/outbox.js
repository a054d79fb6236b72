// The offline outbox: every write the app makes goes here first (IndexedDB), then to
// POST /api/sync/commands in order. The server applies each command once (by its UUID) and
// answers applied / duplicate / rejected / conflict; nothing leaves the outbox unanswered.
// Replayed on page load, when the browser comes online, when the page becomes visible, from a
// "sync now" button and by Background Sync where the browser has it; retries back off with
// jitter. It holds only what the person typed for the command (no names, no residence data).
import { registerUnsyncedCheck } from "./unsynced.js";

const DB_NAME = "portal-outbox";
const STORE = "commands";
const ENDPOINT = "/api/sync/commands";
const BATCH = 50;
const listeners = new Set();
const prerequisites = [];
let flushing = null;
let retryTimer = null;
let failures = 0;

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore(STORE, { keyPath: "uuid" });
      store.createIndex("created_at", "created_at");
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(mode, work) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result instanceof IDBRequest ? result.result : result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** Every command on this phone, oldest first. */
export async function pending() {
  const all = await withStore("readonly", (store) => store.index("created_at").getAll());
  return all ?? [];
}

function changed() {
  for (const listener of listeners) {
    try { listener(); } catch { /* a broken view must not stop the outbox */ }
  }
}

/** Run ``step`` before each send (e.g. register this phone's key before codes it signed). */
export function beforeFlush(step) {
  prerequisites.push(step);
}

/** Replace a waiting command's payload (e.g. to attach a buddy's receipt). */
export async function update(uuid, changes) {
  await withStore("readwrite", (store) => {
    const request = store.get(uuid);
    request.onsuccess = () => {
      if (request.result) store.put({ ...request.result, ...changes, state: "waiting", message: "" });
    };
  });
  changed();
  flush();
}

/** Call ``listener`` whenever the outbox changes (to redraw its list). */
export function onChange(listener) {
  listeners.add(listener);
}

/**
 * Keep a command until the server has answered it. ``uuid`` may come from the form (so a form
 * sent twice is one command); ``label`` is what the person sees in the list.
 */
export async function enqueue({ uuid, type, payload, label }) {
  const command = {
    uuid: uuid || crypto.randomUUID(),
    type,
    payload,
    label,
    created_at: new Date().toISOString(),
    state: "waiting",
    message: "",
  };
  await withStore("readwrite", (store) => store.put(command));
  changed();
  requestBackgroundSync();
  flush();
  return command;
}

/** Forget a command the person has read the problem of (it was refused; nothing to send). */
export async function dismiss(uuid) {
  await withStore("readwrite", (store) => store.delete(uuid));
  changed();
}

function csrfToken() {
  return document.querySelector("meta[name=csrf-token]")?.content || "";
}

function scheduleRetry() {
  clearTimeout(retryTimer);
  failures += 1;
  const ceiling = Math.min(60000, 1000 * 2 ** Math.min(failures, 6));
  retryTimer = setTimeout(flush, ceiling / 2 + Math.random() * (ceiling / 2));
}

async function send(batch) {
  const response = await fetch(ENDPOINT, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify({
      commands: batch.map(({ uuid, type, payload, created_at }) => ({
        uuid, type, payload, created_at,
      })),
    }),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return (await response.json()).results;
}

async function flushOnce() {
  for (const step of prerequisites) {
    try {
      await step();
    } catch {
      // Never hold every write back: a command that needed the step is refused with a reason.
    }
  }
  const waiting = (await pending()).filter((command) => command.state === "waiting");
  for (let start = 0; start < waiting.length; start += BATCH) {
    const batch = waiting.slice(start, start + BATCH);
    const answers = await send(batch);
    await withStore("readwrite", (store) => {
      for (const answer of answers) {
        if (answer.status === "applied" || answer.status === "duplicate") {
          store.delete(answer.uuid);
        } else {
          const command = batch.find((item) => item.uuid === answer.uuid);
          if (command) {
            store.put({ ...command, state: "attention", message: answer.message || answer.reason });
          }
        }
      }
    });
    changed();
  }
}

/** Send what waits, once at a time; on failure, try again later (backoff with jitter). */
export function flush() {
  if (!navigator.onLine) return Promise.resolve();
  flushing ??= flushOnce()
    .then(() => { failures = 0; })
    .catch(() => scheduleRetry())
    .finally(() => { flushing = null; });
  return flushing;
}

async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register("outbox");
  } catch {
    // No Background Sync here: load, online and visibility replay the outbox instead.
  }
}

registerUnsyncedCheck(async () => (await pending()).length);
navigator.storage?.persist?.().catch(() => {});
window.addEventListener("online", () => flush());
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") flush();
});
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data?.type === "FLUSH_OUTBOX") flush();
});
flush();
