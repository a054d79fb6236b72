// The app shell on every page: service worker registration and updates, the "saved at" banner
// for pages served from the cache, and the logout guard for unsent work (which also stops this
// phone's reminders).
import { unsyncedCount } from "./unsynced.js";

const lang = document.documentElement.lang || "nl";

function showSavedBanner() {
  const cachedAt = Number(document.documentElement.dataset.cachedAt);
  const banner = document.querySelector("[data-offline-banner]");
  if (!cachedAt || !banner) return;
  const minutes = Math.round((cachedAt - Date.now()) / 60000);
  let age;
  try {
    const rtf = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
    if (Math.abs(minutes) < 60) age = rtf.format(minutes, "minute");
    else if (Math.abs(minutes) < 48 * 60) age = rtf.format(Math.round(minutes / 60), "hour");
    else age = rtf.format(Math.round(minutes / 1440), "day");
  } catch {
    age = new Date(cachedAt).toLocaleString(lang);
  }
  banner.textContent = `${banner.dataset.savedLabel} ${age}.`;
  banner.hidden = false;
}

let updateRequested = false;

function offerUpdate(registration) {
  const banner = document.querySelector("[data-update-banner]");
  const button = document.querySelector("[data-update-button]");
  if (!banner || !button || !registration.waiting) return;
  banner.hidden = false;
  button.addEventListener("click", () => {
    // The new worker takes over only when asked, then the page reloads once: never a page of
    // old files running under a worker with new caches.
    updateRequested = true;
    registration.waiting?.postMessage({ type: "SKIP_WAITING" });
  }, { once: true });
}

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // Only the update the person asked for reloads; logout's Clear-Site-Data also removes the
    // worker, and that must not reload (and resend) the logout page.
    if (!updateRequested) return;
    updateRequested = false;
    window.location.reload();
  });
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  const ready = await navigator.serviceWorker.ready;
  ready.active?.postMessage({ type: "LANGUAGE", lang });
  if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) {
        offerUpdate(registration);
      }
    });
  });
}

// A shared phone must not go on getting the reminders of whoever logged out (push.js). Loaded
// only now, and given a few seconds at most: logging out never waits on the network for long.
async function forgetPush(form) {
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  const forget = import("./push.js").then((push) => push.pushForget(csrf));
  const patience = new Promise((resolve) => { setTimeout(resolve, 3000); });
  await Promise.race([forget, patience]).catch(() => {});
}

function guardLogout() {
  for (const form of document.querySelectorAll("form[data-logout]")) {
    form.addEventListener("submit", async (event) => {
      if (form.dataset.confirmed) return;
      event.preventDefault();
      const pending = await unsyncedCount();
      if (pending > 0 && !window.confirm(form.dataset.unsyncedWarning)) return;
      form.dataset.confirmed = "1";
      await forgetPush(form);
      form.submit();
    });
  }
}

// A page the worker answered from its cache gets the fresh copy once it arrives: its changed
// parts ([data-refresh]) are swapped in, so what the learner sees is current.
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data?.type !== "PAGE_FRESH" || event.data.url !== window.location.href) return;
  const fresh = new DOMParser().parseFromString(event.data.html, "text/html");
  for (const part of fresh.querySelectorAll("[data-refresh]")) {
    const current = document.querySelector(`[data-refresh="${part.dataset.refresh}"]`);
    if (current && current.innerHTML !== part.innerHTML) current.replaceWith(part);
  }
});

showSavedBanner();
guardLogout();
registerWorker().catch(() => {
  // No worker (private mode, old browser): the portal still works online.
});
