// The buddy's page, phone to phone: set up this phone once (online, with their PIN or password),
// then, even offline, read a learner's code, check it, confirm with the PIN and show the answer
// code. The confirmation also waits in this phone's outbox until it reaches the portal.
import { buddyReady, makeCode, readCode, sealBuddyKey, sha256, signAsBuddy } from "./devicekey.js";
import { enqueue, onChange, pending } from "./outbox.js";
import { scanInto, showCode } from "./qrcodes.js";

const root = document.querySelector("[data-qr-buddy]");
const known = JSON.parse(document.getElementById("linked-data")?.textContent || "{}");

function say(element, key) {
  element.textContent = element.dataset[key] || "";
}

async function setUp() {
  const ready = await buddyReady();
  root.querySelector("[data-setup]").hidden = ready;
  root.querySelector("[data-scan]").hidden = !ready;
}

async function seal() {
  const status = root.querySelector("[data-setup-status]");
  const secret = root.querySelector("[data-setup-secret]").value;
  try {
    await sealBuddyKey(secret);
    root.querySelector("[data-setup-secret]").value = "";
    await setUp();
  } catch {
    say(status, "failedLabel");
  }
}

let claim = null;

function check() {
  const details = root.querySelector("[data-claim-details]");
  const status = root.querySelector("[data-claim-status]");
  const code = root.querySelector("[data-claim-input]").value.trim();
  const read = readCode(code, "PC1");
  const data = read?.[1];
  if (!data || !known.learners?.[data.l] || !known.activities?.[data.a]) {
    claim = null;
    details.hidden = true;
    say(status, "unknownLabel");
    return;
  }
  claim = { code, data };
  status.textContent = "";
  details.querySelector("[data-learner]").textContent = known.learners[data.l];
  details.querySelector("[data-activity]").textContent = known.activities[data.a];
  details.querySelector("[data-day]").textContent = new Date(`${data.d}T12:00:00`).toLocaleDateString(document.documentElement.lang);
  details.querySelector("[data-minutes]").textContent = String(data.m);
  details.hidden = false;
}

async function confirm() {
  const status = root.querySelector("[data-claim-status]");
  const secretInput = root.querySelector("[data-confirm-secret]");
  if (!claim) return;
  const receipt = {
    v: 1, h: await sha256(claim.code), c: claim.data.c, b: root.dataset.buddy, k: "", dec: "confirmed",
  };
  let signed;
  try {
    const probe = await signAsBuddy(secretInput.value, "");
    receipt.k = probe.keyId;
    signed = await signAsBuddy(secretInput.value, JSON.stringify(receipt));
  } catch {
    say(status, "wrongSecretLabel");
    return;
  }
  secretInput.value = "";
  const answer = makeCode("PR1", JSON.stringify(receipt), signed.signature);
  await showCode(root.querySelector("[data-receipt-figure]"), answer);
  await enqueue({
    type: "participation.hours.confirm_qr",
    payload: { claim: claim.code, receipt: answer },
    label: `${known.learners[claim.data.l]} · ${claim.data.d} · ${
      root.dataset.minutesLabel.replace("__N__", String(claim.data.m))}`,
  });
  say(status, "confirmedLabel");
  claim = null;
  root.querySelector("[data-claim-details]").hidden = true;
}

async function drawOutbox() {
  const list = root.querySelector("[data-outbox-list]");
  const commands = await pending();
  list.replaceChildren(...commands.map((command) => {
    const item = document.createElement("li");
    item.dataset.state = command.state;
    item.textContent = `${command.label} · ${command.state === "attention"
      ? `${list.dataset.attentionLabel}: ${command.message}` : list.dataset.waitingLabel}`;
    return item;
  }));
}

if (root) {
  setUp();
  root.querySelector("[data-seal]").addEventListener("click", seal);
  root.querySelector("[data-claim-input]").addEventListener("change", check);
  root.querySelector("[data-check]").addEventListener("click", check);
  root.querySelector("[data-confirm]").addEventListener("click", confirm);
  root.querySelector("[data-scan-claim]").addEventListener("click", async () => {
    const input = root.querySelector("[data-claim-input]");
    if (!(await scanInto(input, root.querySelector("video")).catch(() => false))) input.focus();
  });
  onChange(drawOutbox);
  drawOutbox();
}
