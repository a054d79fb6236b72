// Showing and reading the codes phones pass to each other: a QR image (drawn on the phone, no
// network needed) with the same code as text, and reading by camera where the browser can
// (BarcodeDetector), else by pasting the text.
const QR = "/static/vendor/qrcode-generator-2.0.4/qrcode.mjs";

// Fetched once while online (the worker keeps it), so the code can be drawn offline later.
if (navigator.onLine) fetch(QR, { credentials: "same-origin" }).catch(() => {});

export async function showCode(figure, code) {
  figure.querySelector("[data-qr-text]").value = code; // the text works even without the image
  figure.hidden = false;
  try {
    const { default: qrcode } = await import(QR);
    const qr = qrcode(0, "M");
    qr.addData(code);
    qr.make();
    const image = figure.querySelector("[data-qr-image]");
    image.innerHTML = qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true });
    image.querySelector("svg")?.setAttribute("role", "img");
    image.querySelector("svg")?.setAttribute("aria-label", figure.dataset.imageLabel || "QR");
  } catch {
    // The drawing library could not load: the text of the code can still be shown or typed.
  }
}

/** Fill ``input`` from the camera when this browser can read QR codes; false if it cannot. */
export async function scanInto(input, video) {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices?.getUserMedia) return false;
  const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  try {
    for (let tries = 0; tries < 600; tries += 1) {
      const [found] = await detector.detect(video);
      if (found?.rawValue) {
        input.value = found.rawValue;
        input.dispatchEvent(new Event("change"));
        return true;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.hidden = true;
  }
}
