// The action plan. On the learner's phone every write (tick, edit, proposal, confirmation,
// review choice) goes through the offline outbox, carrying the revision of the goal or action
// the page showed, so the server can merge it field by field when it arrives; a tick made offline
// shows at once as "saved on this phone". On both sides' pages the plan part is fetched again
// when the other side changes something (a live message for this page) and, on the phone, when
// this phone's commands are answered. Without this script the same forms post to the server.
import { dismiss, enqueue, flush, onChange, pending } from "./outbox.js";

const TYPES = {
  propose_goal: "plan.goal.propose",
  propose_action: "plan.action.propose",
  confirm: "plan.item.confirm",
  resolve: "plan.review.resolve",
  tick: "plan.action.tick",
  edit: "plan.field.edit",
};
const PLAN_TYPES = new Set(Object.values(TYPES));
const FORMS = "[data-plan-form], [data-edit-form], [data-tick-form]";
const list = document.querySelector("[data-plan-outbox]");
const offlineWrites = Boolean(document.querySelector("[data-plan][data-outbox]"));
const mine = new Set();

function root() {
  return document.querySelector("[data-plan]");
}

function prepare() {
  // With the outbox, a tick is saved as soon as the box changes: no separate button.
  if (!offlineWrites) return;
  for (const button of document.querySelectorAll("[data-tick-save]")) button.hidden = true;
}

function typing() {
  const active = document.activeElement;
  return Boolean(active && root()?.contains(active) && active.matches("input:not([type=checkbox]), textarea, select"));
}

let refreshTimer = null;
async function refresh() {
  if (typing()) {
    // Never take away what the person is typing: look again a little later.
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 3000);
    return;
  }
  try {
    const response = await fetch(window.location.pathname, { credentials: "same-origin" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector("[data-refresh=plan]");
    const current = root();
    if (!fresh || !current) return;
    const open = new Set([...current.querySelectorAll("details[open][data-key]")].map((d) => d.dataset.key));
    for (const details of fresh.querySelectorAll("details[data-key]")) {
      if (open.has(details.dataset.key)) details.open = true;
    }
    current.replaceWith(fresh);
    prepare();
    await draw();
  } catch {
    // Offline: the page keeps what it shows; the list says what waits on this phone.
  }
}

function describe(form) {
  const action = form.closest("[data-action]")?.querySelector("[data-tick]")?.parentElement?.textContent;
  const goal = form.closest("[data-goal]")?.querySelector("h3")?.textContent;
  const button = form.querySelector("button[type=submit]:not([hidden])")?.textContent;
  return [button, (action || goal || "").trim()].filter(Boolean).join(": ");
}

function commandsOf(form) {
  const data = new FormData(form);
  const op = String(data.get("op") || "");
  const type = TYPES[op];
  if (!type) return [];
  if (op === "tick") {
    const box = form.querySelector("[data-tick]");
    return [{
      type,
      payload: {
        action: Number(data.get("action")),
        done: Boolean(box?.checked),
        base_revision: Number(data.get("base_revision")),
      },
    }];
  }
  if (op === "edit") {
    // Only what the person changed: an untouched field never meets the other side's change.
    const changed = [];
    for (const [name, was] of data.entries()) {
      if (!name.startsWith("was_")) continue;
      const field = name.slice(4);
      const value = String(data.get(field) ?? "");
      if (value.replace(/\r\n/g, "\n").trim() === String(was).replace(/\r\n/g, "\n").trim()) continue;
      changed.push({
        type,
        payload: {
          kind: String(data.get("kind")),
          id: Number(data.get("id")),
          field,
          value,
          base_revision: Number(data.get("base_revision")),
        },
      });
    }
    return changed;
  }
  const payload = {};
  for (const [name, value] of data.entries()) {
    if (!["csrfmiddlewaretoken", "op", "command"].includes(name)) payload[name] = String(value);
  }
  return [{ type, payload }];
}

function say(form, text) {
  const status = form.querySelector("[data-tick-status], [data-form-status]");
  if (status) status.textContent = text;
}

document.addEventListener("change", (event) => {
  const box = event.target.closest?.("[data-tick]");
  if (offlineWrites && box) box.form.requestSubmit();
});

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form");
  if (!offlineWrites || !form?.matches(FORMS)) return;
  event.preventDefault();
  const commands = commandsOf(form);
  const label = describe(form);
  for (const { type, payload } of commands) {
    const command = await enqueue({ type, payload, label });
    mine.add(command.uuid);
  }
  if (commands.length) say(form, list?.dataset.waitingLabel || "");
  if (form.matches("[data-plan-form]:not([data-tick-form])")) {
    for (const input of form.querySelectorAll("input:not([type=hidden]), textarea")) input.value = "";
  }
  await flush();
});

// What waits on this phone, and what the server refused (with its reason), until read.
let drawn = 0;
async function draw() {
  const commands = (await pending()).filter((command) => PLAN_TYPES.has(command.type));
  for (const command of commands) {
    if (command.type !== TYPES.tick) continue;
    const box = document.querySelector(`#tick-${Number(command.payload.action)}`);
    if (!box) continue;
    if (command.state === "waiting") box.checked = Boolean(command.payload.done);
    say(box.form, command.state === "waiting" ? list?.dataset.waitingLabel || "" : command.message);
  }
  const answered = [...mine].filter((uuid) => !commands.some((command) => command.uuid === uuid));
  for (const uuid of answered) mine.delete(uuid);
  if (list) {
    list.replaceChildren(...commands.map((command) => {
      const item = document.createElement("li");
      item.dataset.state = command.state;
      if (command.state === "attention") {
        item.className = "error";
        item.textContent = `${list.dataset.attentionLabel}: ${command.label} · ${command.message} `;
        const button = document.createElement("button");
        button.type = "button";
        button.className = "link";
        button.textContent = list.dataset.dismissLabel;
        button.addEventListener("click", () => dismiss(command.uuid));
        item.append(button);
      } else {
        item.textContent = `${list.dataset.waitingLabel}: ${command.label}`;
      }
      return item;
    }));
    list.hidden = commands.length === 0;
  }
  const fewer = commands.length < drawn;
  drawn = commands.length;
  if (answered.length || fewer) await refresh(); // answered: show the plan as the server has it
}

document.addEventListener("portal:live", (event) => {
  if (event.detail?.url === window.location.pathname) refresh();
});
prepare();
if (offlineWrites) {
  onChange(() => { draw(); });
  draw();
}
