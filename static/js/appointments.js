// Appointments: one tap books through the offline outbox (a request made offline is confirmed
// or refused when it reaches the server), "I can't come" likewise, and free times disappear
// live when someone else books them. Without this script the same forms post to the server.
import { dismiss, enqueue, flush, onChange, pending } from "./outbox.js";

const REQUEST = "appointments.booking.request";
const CANCEL = "appointments.booking.cancel";
const bookForm = document.querySelector("[data-book-form]");
const cancelForm = document.querySelector("[data-cancel-form]");
const requests = document.querySelector("[data-requests]");
const alertBox = document.querySelector("[data-book-alert]");
const statusLine = document.querySelector("[data-book-status]");
const mine = new Set();
const home = document.querySelector("[data-appointments-home]")?.dataset.appointmentsHome || "/";

function say(element, text, isError = false) {
  if (!element) return;
  element.replaceChildren();
  const line = document.createElement("p");
  if (isError) line.className = "error";
  line.textContent = text;
  element.append(line);
}

// Pending requests of this phone, with the server's refusal (and its free times) when there is one.
let shown = new Set();
async function drawRequests() {
  const all = (await pending()).filter((c) => c.type === REQUEST || c.type === CANCEL);
  for (const uuid of [...mine]) {
    const command = all.find((c) => c.uuid === uuid);
    if (!command) {
      mine.delete(uuid); // answered "applied": the server holds it now
      if (statusLine) statusLine.textContent = statusLine.dataset.bookedLabel;
      window.location.assign(home);
      return;
    }
    if (command.state === "attention") {
      mine.delete(uuid);
      say(alertBox, command.message, true);
      if (statusLine) statusLine.textContent = "";
      await dismiss(uuid);
      refreshSlots();
    }
  }
  if (!requests) return;
  const listed = all.filter((c) => !mine.has(c.uuid));
  if ([...shown].some((uuid) => !listed.some((c) => c.uuid === uuid))) {
    window.location.reload(); // a request made earlier was answered: show the new state
    return;
  }
  shown = new Set(listed.filter((c) => c.state === "waiting").map((c) => c.uuid));
  requests.replaceChildren(
    ...listed.map((command) => {
      const item = document.createElement("li");
      if (command.state === "attention") {
        item.className = "error";
        item.textContent = `${command.label}: ${command.message} `;
        const button = document.createElement("button");
        button.type = "button";
        button.className = "link";
        button.textContent = requests.dataset.dismissLabel;
        button.addEventListener("click", () => dismiss(command.uuid));
        item.append(button);
      } else {
        item.textContent = `${requests.dataset.waitingLabel}: ${command.label}`;
      }
      return item;
    }),
  );
  requests.hidden = listed.length === 0;
}

bookForm?.addEventListener("submit", async (event) => {
  const button = event.submitter;
  // Moving an appointment needs the server at once (the old time is kept until the new is won).
  if (!button?.value || bookForm.elements.move) return;
  event.preventDefault();
  const uuid = bookForm.elements.command.value;
  bookForm.elements.command.value = crypto.randomUUID();
  mine.add(uuid);
  const when = button.closest("[data-day]")?.querySelector("h2")?.textContent || "";
  await enqueue({
    uuid,
    type: REQUEST,
    payload: { slot: button.value, interpreter: Boolean(bookForm.elements.interpreter?.checked) },
    label: `${document.title.split(" · ")[0]}, ${when} ${button.querySelector("strong")?.textContent || ""}`.trim(),
  });
  if (alertBox) alertBox.replaceChildren();
  if (statusLine && !navigator.onLine) statusLine.textContent = statusLine.dataset.savedLabel;
  await flush();
  await drawRequests();
  if (mine.has(uuid) && statusLine) statusLine.textContent = statusLine.dataset.savedLabel;
});

cancelForm?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const uuid = cancelForm.elements.command.value;
  cancelForm.elements.command.value = crypto.randomUUID();
  mine.add(uuid);
  await enqueue({
    uuid,
    type: CANCEL,
    payload: { booking: Number(cancelForm.dataset.booking) },
    label: document.title.split(" · ")[0],
  });
  await flush();
  await drawRequests();
  if (mine.has(uuid)) {
    cancelForm.querySelector("[data-cancel-status]").textContent = cancelForm.dataset.savedLabel;
  }
});

// Live: free times taken elsewhere vanish; changed hours reload the list.
const slots = document.querySelector("[data-slots]");

async function refreshSlots() {
  if (!slots) return;
  try {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const fresh = new DOMParser()
      .parseFromString(await response.text(), "text/html")
      .querySelector("[data-slots]");
    if (fresh) slots.replaceChildren(...fresh.childNodes);
  } catch {
    // Offline: the list stays as it was; the server decides when the request arrives.
  }
}

function slotChanged(key, free) {
  const item = slots?.querySelector(`[data-slot="${CSS.escape(key)}"]`);
  if (!item) {
    if (free > 0) refreshSlots(); // freed again (a cancel): show it
    return;
  }
  if (free > 0) return;
  const day = item.closest("[data-day]");
  item.remove();
  if (day && !day.querySelector("[data-slot]")) day.remove();
}

let delay = 1000;
function connect() {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${window.location.host}/ws/slots/`);
  socket.addEventListener("open", () => {
    delay = 1000;
    slots?.setAttribute("data-live", "open");
  });
  socket.addEventListener("message", (event) => {
    let message;
    try { message = JSON.parse(event.data); } catch { return; }
    if (message.kind === "slot") slotChanged(message.slot, message.free);
    if (message.kind === "agenda") refreshSlots();
  });
  socket.addEventListener("close", (event) => {
    slots?.setAttribute("data-live", "closed");
    if (event.code === 4401 || event.code === 4403) return;
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, 60000);
  });
}

if (slots) connect();
onChange(() => { drawRequests(); });
drawRequests();
