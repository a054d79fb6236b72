// Live updates: one socket per signed-in person. New notifications appear as a short message and
// in the unread badge; the stored list keeps them for when the phone was offline.
const region = document.querySelector("[data-live-region]");
const badge = document.querySelector("[data-unread-badge]");
let delay = 1000;

function show(message) {
  // Pages that show what the message is about refresh themselves (see participation.js).
  document.dispatchEvent(new CustomEvent("portal:live", { detail: message }));
  if (badge && typeof message.unread === "number") {
    badge.textContent = String(message.unread);
    badge.hidden = message.unread === 0;
  }
  if (region && message.text) {
    region.textContent = message.text;
    region.classList.add("visible");
    setTimeout(() => region.classList.remove("visible"), 8000);
  }
}

function connect() {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${window.location.host}/ws/live/`);
  socket.addEventListener("open", () => { delay = 1000; });
  socket.addEventListener("message", (event) => {
    try { show(JSON.parse(event.data)); } catch { /* ignore malformed frames */ }
  });
  socket.addEventListener("close", (event) => {
    // 4401/4403: not signed in or second factor missing; retrying would not help.
    if (event.code === 4401 || event.code === 4403) return;
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, 60000);
  });
}

connect();
