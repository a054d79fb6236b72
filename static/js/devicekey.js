// This phone's signing key (WebCrypto ECDSA P-256), for what it vouches for while offline.
// A learner's phone keeps a non-extractable key; a buddy's key is sealed with their PIN or
// password (PBKDF2 → AES-GCM), so only they can sign with it. The public half is registered
// with the portal, which checks the signatures when the signed codes arrive. Logout clears it.
const DB_NAME = "portal-keys";
const STORE = "keys";
const SIGN = { name: "ECDSA", hash: "SHA-256" };
const CURVE = { name: "ECDSA", namedCurve: "P-256" };
const encoder = new TextEncoder();

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "name" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function get(name) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const request = db.transaction(STORE).objectStore(STORE).get(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

async function put(record) {
  const db = await open();
  try {
    await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, "readwrite");
      tx.objectStore(STORE).put(record);
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export function b64url(bytes) {
  let text = "";
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function fromB64url(text) {
  const padded = text.replaceAll("-", "+").replaceAll("_", "/") + "=".repeat((4 - text.length % 4) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

export async function sha256(text) {
  return b64url(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

function csrfToken() {
  return document.querySelector("meta[name=csrf-token]")?.content || "";
}

async function register(keyId, publicJwk, secret = "") {
  const response = await fetch("/api/sync/device-keys", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify({ key_id: keyId, public_jwk: publicJwk, secret }),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
}

/** The learner's key (made on first use); registered with the portal as soon as it can be. */
export async function learnerKey() {
  let record = await get("device");
  if (!record) {
    const pair = await crypto.subtle.generateKey(CURVE, false, ["sign", "verify"]);
    record = {
      name: "device",
      keyId: crypto.randomUUID(),
      privateKey: pair.privateKey,
      publicJwk: await crypto.subtle.exportKey("jwk", pair.publicKey),
      registered: false,
    };
    await put(record);
  }
  return record;
}

/** Register the learner's key if it is not yet (the outbox calls this before it sends). */
export async function ensureRegistered() {
  const record = await get("device");
  if (!record || record.registered || !navigator.onLine) return;
  await register(record.keyId, { kty: "EC", crv: "P-256", x: record.publicJwk.x, y: record.publicJwk.y });
  await put({ ...record, registered: true });
}

export async function signAsLearner(text) {
  const record = await learnerKey();
  const signature = await crypto.subtle.sign(SIGN, record.privateKey, encoder.encode(text));
  return { keyId: record.keyId, signature: b64url(signature) };
}

async function sealingKey(secret, salt) {
  const base = await crypto.subtle.importKey("raw", encoder.encode(secret), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", salt, iterations: 210000, hash: "SHA-256" },
    base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

/** Is a buddy key sealed on this phone? */
export async function buddyReady() {
  return Boolean(await get("sealed"));
}

/** Make the buddy's key, seal it with their PIN or password, and register it (online). */
export async function sealBuddyKey(secret) {
  const pair = await crypto.subtle.generateKey(CURVE, true, ["sign", "verify"]);
  const privateJwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
  const publicJwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
  const keyId = crypto.randomUUID();
  await register(keyId, { kty: "EC", crv: "P-256", x: publicJwk.x, y: publicJwk.y }, secret);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv }, await sealingKey(secret, salt), encoder.encode(JSON.stringify(privateJwk)));
  await put({ name: "sealed", keyId, salt, iv, sealed });
}

/** Sign as the buddy; a wrong PIN or password cannot unseal the key (throws). */
export async function signAsBuddy(secret, text) {
  const record = await get("sealed");
  if (!record) throw new Error("no key");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: record.iv }, await sealingKey(secret, record.salt), record.sealed);
  const privateKey = await crypto.subtle.importKey(
    "jwk", JSON.parse(new TextDecoder().decode(plain)), CURVE, false, ["sign"]);
  const signature = await crypto.subtle.sign(SIGN, privateKey, encoder.encode(text));
  return { keyId: record.keyId, signature: b64url(signature) };
}

/** "PREFIX.<base64url(JSON)>.<signature>" → [text, data], or null for anything else. */
export function readCode(code, prefix) {
  const parts = String(code).trim().split(".");
  if (parts.length !== 3 || parts[0] !== prefix) return null;
  try {
    const text = new TextDecoder().decode(fromB64url(parts[1]));
    return [text, JSON.parse(text)];
  } catch {
    return null;
  }
}

export function makeCode(prefix, text, signature) {
  return `${prefix}.${b64url(encoder.encode(text))}.${signature}`;
}
