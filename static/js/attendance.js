// Attendance in the classroom, often without a connection: the marks go through the outbox and
// reach the server once, when the phone is back online.
import { enqueue } from "./outbox.js";

const form = document.querySelector("[data-attendance-form]");
form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const marks = {};
  for (const input of form.querySelectorAll("input[type=radio]:checked")) {
    marks[input.name.replace("learner-", "")] = input.value;
  }
  await enqueue({
    uuid: form.elements.command.value,
    type: "lessons.attendance.record",
    payload: { session: Number(form.dataset.session), marks },
    label: document.title,
  });
  // A next save is a new command: the later marks replace these on the server.
  form.elements.command.value = crypto.randomUUID();
  form.querySelector("[data-attendance-status]").textContent = form.dataset.savedLabel;
});
