// Reminders on this phone (Web Push): the switch of notifications/_push_toggle.html, and
// forgetting this phone's subscription at logout (shell.js), so a shared phone never gets the
// reminders of someone who logged out. The server pushes a generic text only, never details.

const UNSUBSCRIBE_URL = "/notifications/push/delete/";

function supported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
}

function sameKey(subscription, key) {
  const current = subscription.options?.applicationServerKey;
  if (!current) return true; // the browser does not say: assume ours
  const a = new Uint8Array(current);
  return a.length === key.length && a.every((byte, index) => byte === key[index]);
}

async function post(url, body, csrf) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
}

async function currentSubscription() {
  const registration = await navigator.serviceWorker.getRegistration();
  return registration ? registration.pushManager.getSubscription() : null;
}

/** Stop this phone's reminders: the server forgets it first, then the browser. Never throws. */
export async function pushForget(csrf, url = UNSUBSCRIBE_URL) {
  if (!supported()) return;
  try {
    const subscription = await currentSubscription();
    if (!subscription) return;
    try {
      await post(url, { endpoint: subscription.endpoint }, csrf);
    } finally {
      // Even if the server was unreachable: once the browser drops it, the push service
      // answers "gone" and the server deletes it at the next reminder.
      await subscription.unsubscribe();
    }
  } catch {
    // Offline or no worker: logout goes on; its Clear-Site-Data removes the worker too.
  }
}

function setUp(box) {
  const button = box.querySelector("[data-push-button]");
  const status = box.querySelector("[data-push-status]");
  const csrf = box.dataset.csrf || document.querySelector("meta[name=csrf-token]")?.content || "";
  const key = keyBytes(box.dataset.key);
  let subscribed = false;

  function show(on, said) {
    subscribed = on;
    button.textContent = on ? box.dataset.labelOff : box.dataset.labelOn;
    status.textContent = said ? box.dataset[said] : "";
  }

  async function subscribe() {
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      show(false, permission === "denied" ? "saidDenied" : "saidOff");
      return;
    }
    const registration = await navigator.serviceWorker.ready;
    let subscription = await registration.pushManager.getSubscription();
    if (subscription && !sameKey(subscription, key)) {
      // Made with another server key (a new portal key): it cannot carry our pushes.
      await subscription.unsubscribe();
      subscription = null;
    }
    subscription ||= await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: key,
    });
    const { endpoint, keys } = subscription.toJSON();
    await post(box.dataset.subscribeUrl, { endpoint, keys }, csrf);
    show(true, "saidOn");
  }

  async function unsubscribe() {
    const subscription = await currentSubscription();
    if (subscription) {
      await post(box.dataset.unsubscribeUrl, { endpoint: subscription.endpoint }, csrf);
      await subscription.unsubscribe();
    }
    show(false, "saidOff");
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await (subscribed ? unsubscribe() : subscribe());
    } catch (error) {
      const denied = error?.name === "NotAllowedError" || Notification.permission === "denied";
      status.textContent = box.dataset[denied ? "saidDenied" : "saidFailed"];
    } finally {
      button.disabled = false;
    }
  });

  box.hidden = false;
  currentSubscription().then(
    (subscription) => {
      const on = Boolean(subscription) && Notification.permission === "granted";
      show(on, Notification.permission === "denied" ? "saidDenied" : "");
    },
    () => show(false, ""),
  );
}

if (supported()) {
  for (const box of document.querySelectorAll("[data-push-toggle]")) setUp(box);
}
