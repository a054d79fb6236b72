// The QR code on the activation letter opens /activate/#d=<dossier>&c=<code>. The fragment never
// reaches the server; fill the form from it, then drop it from the address bar and history.
const params = new URLSearchParams(window.location.hash.slice(1));
const dossier = params.get("d");
const code = params.get("c");
if (dossier || code) {
  const form = document.getElementById("activate-form");
  if (form) {
    if (dossier) form.elements.namedItem("username").value = dossier;
    if (code) form.elements.namedItem("code").value = code;
  }
  history.replaceState(null, "", window.location.pathname + window.location.search);
}
