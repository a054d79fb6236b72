// Print buttons without inline handlers, so a strict Content-Security-Policy holds.
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
