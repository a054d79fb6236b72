// The lesson player: Dutch beside the learner's language (toggle), read-aloud only where no
// recording exists, progress and practice rounds through the offline outbox. Each practice round
// is drawn at random from the lesson's bank on the phone, so it works offline too.
import { enqueue } from "./outbox.js";

const article = document.querySelector("[data-lesson]");
const lessonId = Number(article?.dataset.lesson);
const language = article?.dataset.language || document.documentElement.lang;
const preview = article?.hasAttribute("data-preview");
const OPENED_KEY = "lessons-opened";

function label(element, key, values = {}) {
  let text = element?.dataset[key] || "";
  for (const [name, value] of Object.entries(values)) text = text.replace(`__${name}__`, value);
  return text;
}

// Dutch beside, or not: remembered on this phone for every lesson.
const toggle = document.querySelector("[data-dutch-toggle]");
if (toggle) {
  const apply = (shown) => {
    document.body.classList.toggle("hide-dutch", !shown);
    toggle.setAttribute("aria-pressed", String(shown));
    toggle.textContent = label(toggle, shown ? "hideLabel" : "showLabel");
  };
  apply(localStorage.getItem("lessons-dutch") !== "hidden");
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const shown = toggle.getAttribute("aria-pressed") !== "true";
    localStorage.setItem("lessons-dutch", shown ? "shown" : "hidden");
    apply(shown);
  });
}

// Read aloud with the phone's voice, only when the teacher recorded nothing and the phone has a
// voice for the language (most have none for Tigrinya, Pashto or Somali).
const reader = document.querySelector("[data-read-aloud]");
function voiceFor(lang) {
  return speechSynthesis.getVoices().find((voice) => voice.lang.toLowerCase().startsWith(lang));
}
function offerReading() {
  if (!reader || !("speechSynthesis" in window) || !voiceFor(language)) return;
  reader.hidden = false;
  const startLabel = reader.textContent;
  reader.onclick = () => {
    if (speechSynthesis.speaking) {
      speechSynthesis.cancel();
      reader.textContent = startLabel;
      return;
    }
    const text = [...document.querySelectorAll("[data-readable] .own, h1.own")]
      .map((element) => element.textContent).join("\n");
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = language;
    utterance.voice = voiceFor(language);
    utterance.onend = () => { reader.textContent = startLabel; };
    reader.textContent = label(reader, "stopLabel");
    speechSynthesis.speak(utterance);
  };
}
if (reader && "speechSynthesis" in window) {
  offerReading();
  speechSynthesis.addEventListener?.("voiceschanged", offerReading);
}

function status(element, text) {
  if (element) element.textContent = text;
}

// "Opened": once per lesson and phone, also when opened offline.
function markOpened() {
  if (preview || !lessonId || article.dataset.progress) return;
  const opened = new Set(JSON.parse(localStorage.getItem(OPENED_KEY) || "[]"));
  if (opened.has(lessonId)) return;
  opened.add(lessonId);
  localStorage.setItem(OPENED_KEY, JSON.stringify([...opened]));
  enqueue({
    type: "lessons.progress.record",
    payload: { lesson: lessonId, step: "opened", language },
    label: document.title,
  });
}
markOpened();

const studied = document.querySelector("[data-studied-form]");
studied?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = studied.querySelector("button");
  if (button) button.disabled = true;
  await enqueue({
    uuid: studied.elements.command.value,
    type: "lessons.progress.record",
    payload: { lesson: lessonId, step: "completed", language },
    label: document.title,
  });
  status(studied.querySelector("[data-studied-status]"), label(article, "savedLabel"));
});

// Practice -------------------------------------------------------------------------------------
const practice = document.querySelector("[data-practice-form]");
const bank = JSON.parse(document.getElementById("practice-bank")?.textContent || "[]");

function shuffled(items) {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = crypto.getRandomValues(new Uint32Array(1))[0] % (i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function questionElement(question) {
  const fieldset = document.createElement("fieldset");
  fieldset.className = "question";
  const asked = Object.assign(document.createElement("input"), {
    type: "hidden", name: "asked", value: `question-${question.id}`,
  });
  const legend = document.createElement("legend");
  legend.lang = language;
  legend.textContent = question.text;
  fieldset.append(asked, legend);
  if (question.dutch && question.dutch !== question.text) {
    const dutch = Object.assign(document.createElement("p"), { className: "dutch", lang: "nl", dir: "ltr" });
    dutch.textContent = question.dutch;
    fieldset.append(dutch);
  }
  if (question.image) {
    fieldset.append(Object.assign(document.createElement("img"), { src: question.image, alt: "", loading: "lazy" }));
  }
  if (question.audio) {
    fieldset.append(Object.assign(document.createElement("audio"), { src: question.audio, controls: true, preload: "none" }));
  }
  for (const choice of question.choices) {
    const labelElement = document.createElement("label");
    labelElement.className = "choice";
    labelElement.htmlFor = `choice-${choice.id}`;
    const input = Object.assign(document.createElement("input"), {
      type: "radio", id: `choice-${choice.id}`, name: `question-${question.id}`, value: String(choice.id),
    });
    const text = Object.assign(document.createElement("span"), { lang: language });
    text.textContent = choice.text;
    labelElement.append(input, " ", text);
    fieldset.append(labelElement);
  }
  return fieldset;
}

function drawRound() {
  const round = Number(practice.dataset.round) || 5;
  const container = practice.querySelector("[data-questions]");
  container.replaceChildren(...shuffled(bank).slice(0, round).map(questionElement));
  practice.elements.command.value = crypto.randomUUID();
  practice.querySelector("[data-practice-submit]").hidden = false;
  practice.querySelector("[data-practice-again]").hidden = true;
  status(practice.querySelector("[data-practice-status]"), "");
}

function judge() {
  const answers = [];
  let right = 0;
  for (const fieldset of practice.querySelectorAll("fieldset.question")) {
    const questionId = Number(fieldset.querySelector("[name=asked]").value.split("-")[1]);
    const question = bank.find((item) => item.id === questionId);
    const checked = fieldset.querySelector("input[type=radio]:checked");
    if (!question || !checked) continue;
    const choice = question.choices.find((item) => item.id === Number(checked.value));
    answers.push([questionId, choice.id]);
    if (choice.correct) right += 1;
    const feedback = document.createElement("p");
    feedback.className = choice.correct ? "feedback right" : "feedback wrong";
    feedback.lang = language;
    const verdict = document.createElement("strong");
    verdict.textContent = label(practice, choice.correct ? "rightLabel" : "wrongLabel");
    feedback.append(verdict, " ", choice.feedback || "");
    fieldset.append(feedback);
    for (const input of fieldset.querySelectorAll("input[type=radio]")) input.disabled = true;
  }
  return { answers, right };
}

if (practice && bank.length) {
  practice.addEventListener("submit", async (event) => {
    event.preventDefault();
    const statusElement = practice.querySelector("[data-practice-status]");
    const { answers, right } = judge();
    if (!answers.length) {
      status(statusElement, label(practice, "unansweredLabel"));
      return;
    }
    status(statusElement, label(practice, "scoreLabel", { N: right, TOTAL: answers.length }));
    practice.querySelector("[data-practice-submit]").hidden = true;
    practice.querySelector("[data-practice-again]").hidden = false;
    if (!preview) {
      await enqueue({
        uuid: practice.elements.command.value,
        type: "lessons.practice.submit",
        payload: { lesson: lessonId, answers },
        label: document.title,
      });
    }
  });
  practice.querySelector("[data-practice-again]").addEventListener("click", drawRound);
  // A fresh draw each time the page opens, also from the offline copy: made when the learner
  // scrolls near the questions, so it costs nothing while the lesson itself loads.
  const watcher = new IntersectionObserver((entries) => {
    if (!entries.some((entry) => entry.isIntersecting)) return;
    watcher.disconnect();
    if (!practice.querySelector("input:checked")) drawRound();
  }, { rootMargin: "400px" });
  watcher.observe(practice);
}
