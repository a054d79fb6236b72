// The hours page: log through the offline outbox, show what waits on this phone, and refresh the
// server's part (progress, entries) when the outbox empties or a live message concerns it.
import {
  ensureRegistered, learnerKey, makeCode, readCode, sha256, signAsLearner,
} from "./devicekey.js";
import { beforeFlush, dismiss, enqueue, flush, onChange, pending, update } from "./outbox.js";
import { scanInto, showCode } from "./qrcodes.js";

const form = document.querySelector("[data-hours-form]");
const list = document.querySelector("[data-outbox-list]");
const section = document.querySelector("[data-outbox]");
const status = document.querySelector("[data-outbox-status]");

function text(element, key) {
  return element?.dataset[key] || "";
}

async function refreshServerPart() {
  try {
    const response = await fetch(window.location.pathname, { credentials: "same-origin" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const fresh of page.querySelectorAll("[data-refresh]")) {
      const current = document.querySelector(`[data-refresh="${fresh.dataset.refresh}"]`);
      if (current) current.replaceWith(fresh);
    }
  } catch {
    // Offline: the page keeps what it shows; the outbox list says what waits.
  }
}

let shown = 0;

async function draw() {
  if (!list || !section) return;
  const commands = (await pending()).filter((c) => c.type === "participation.hours.log");
  list.replaceChildren(...commands.map((command) => {
    const item = document.createElement("li");
    item.dataset.state = command.state;
    const label = document.createElement("span");
    label.textContent = command.label;
    const state = document.createElement("strong");
    state.textContent = command.state === "attention"
      ? `${text(section, "attentionLabel")}: ${command.message}`
      : text(section, "waitingLabel");
    item.append(label, " · ", state);
    if (command.state === "waiting" && !command.payload.qr && panel) {
      const vouch = document.createElement("button");
      vouch.type = "button";
      vouch.textContent = text(section, "vouchLabel");
      vouch.addEventListener("click", () => openPanel(command));
      item.append(" ", vouch);
    }
    if (command.state === "attention") {
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = text(section, "removeLabel");
      remove.addEventListener("click", () => dismiss(command.uuid));
      item.append(" ", remove);
    }
    return item;
  }));
  section.hidden = commands.length === 0;
  if (commands.length < shown) refreshServerPart(); // some were answered: show them as synced
  shown = commands.length;
}

function describe(data) {
  const select = form.querySelector("[name=activity]");
  const activity = select?.selectedOptions[0]?.textContent?.trim() || "";
  const minutes = Number(data.get("hours")) * 60 + Number(data.get("minutes"));
  const duration = text(section, "minutesLabel").replace("__N__", String(minutes));
  return { minutes, label: `${data.get("day")} · ${activity} · ${duration}` };
}

form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const { minutes, label } = describe(data);
  if (!data.get("activity") || !data.get("day") || minutes < 15) {
    form.submit(); // the server's form shows what is missing, in the person's language
    return;
  }
  const supersedes = data.get("supersedes");
  await enqueue({
    uuid: String(data.get("command")),
    type: "participation.hours.log",
    payload: {
      activity: Number(data.get("activity")),
      day: String(data.get("day")),
      minutes,
      note: String(data.get("note") || ""),
      supersedes: supersedes ? Number(supersedes) : null,
    },
    label,
  });
  form.querySelector("[name=command]").value = crypto.randomUUID();
  form.querySelector("[name=supersedes]").value = "";
  form.querySelector("[name=note]").value = "";
  if (status) status.textContent = text(status, "savedLabel");
});

// Phone to phone: the learner's phone signs a claim of a waiting entry and shows it as a QR code;
// the buddy's receipt (their QR code) is attached to the entry, which then syncs confirmed.
const panel = document.querySelector("[data-qr-learner]");
let vouching = null;

async function openPanel(command) {
  vouching = command;
  const { keyId } = await learnerKey();
  const claim = JSON.stringify({
    v: 1, c: command.uuid, l: panel.dataset.learner, a: command.payload.activity,
    d: command.payload.day, m: command.payload.minutes, k: keyId,
  });
  const { signature } = await signAsLearner(claim);
  panel.dataset.claim = makeCode("PC1", claim, signature);
  panel.hidden = false;
  await showCode(panel.querySelector("[data-qr-figure]"), panel.dataset.claim);
  panel.querySelector("[data-receipt-input]").value = "";
  panel.scrollIntoView();
}

async function addReceipt() {
  const input = panel.querySelector("[data-receipt-input]");
  const status = panel.querySelector("[data-qr-status]");
  const read = readCode(input.value, "PR1");
  const claim = panel.dataset.claim || "";
  if (!vouching || !read || read[1].h !== await sha256(claim)) {
    status.textContent = text(status, "wrongLabel");
    return;
  }
  await update(vouching.uuid, { payload: { ...vouching.payload, qr: { claim, receipt: input.value.trim() } } });
  status.textContent = text(status, "addedLabel");
  vouching = null;
}

if (panel) {
  learnerKey().then(() => ensureRegistered()).catch(() => {});
  beforeFlush(() => ensureRegistered());
  panel.querySelector("[data-add-receipt]")?.addEventListener("click", addReceipt);
  panel.querySelector("[data-scan-receipt]")?.addEventListener("click", async () => {
    const input = panel.querySelector("[data-receipt-input]");
    if (!(await scanInto(input, panel.querySelector("video")).catch(() => false))) input.focus();
  });
}

// A page from the cache carries the command id it was first rendered with: make a new one, or
// two entries made from the same saved page would be one command.
if (form) form.querySelector("[name=command]").value = crypto.randomUUID();

document.querySelector("[data-sync-now]")?.addEventListener("click", () => flush());
document.addEventListener("portal:live", (event) => {
  if (event.detail?.url === window.location.pathname) refreshServerPart();
});
onChange(draw);
draw();
