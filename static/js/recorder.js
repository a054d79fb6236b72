// Record a sound in the browser (MediaRecorder) and put it in the form's file input, so the
// recording is checked and stored like an uploaded file. Hidden where the browser cannot record.
function setUp(box) {
  const form = box.closest("form");
  const input = form?.querySelector("input[type=file][name$=audio]");
  const button = box.querySelector("[data-record]");
  const status = box.querySelector("[data-record-status]");
  if (!input || !button) return;
  let recorder = null;
  let chunks = [];
  box.hidden = false;
  button.addEventListener("click", async () => {
    if (recorder?.state === "recording") {
      recorder.stop();
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      // Refused or no microphone: the browser's own message is in its language, not theirs.
      status.textContent = box.dataset.deniedLabel;
      return;
    }
    chunks = [];
    recorder = new MediaRecorder(stream);
    recorder.addEventListener("dataavailable", (event) => chunks.push(event.data));
    recorder.addEventListener("stop", () => {
      for (const track of stream.getTracks()) track.stop();
      const type = recorder.mimeType || "audio/webm";
      const extension = type.includes("ogg") ? "ogg" : type.includes("mp4") ? "m4a" : "webm";
      const file = new File(chunks, `recording.${extension}`, { type });
      const transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files;
      button.textContent = box.dataset.startLabel;
      status.textContent = box.dataset.recordedLabel;
    });
    recorder.start();
    button.textContent = box.dataset.stopLabel;
    status.textContent = "";
  });
}

if (window.MediaRecorder && navigator.mediaDevices?.getUserMedia) {
  for (const box of document.querySelectorAll("[data-recorder]")) setUp(box);
}
