// "Copy" buttons without inline handlers (strict Content-Security-Policy). Without JavaScript,
// or without the Clipboard API, the button stays hidden and the text can be copied by hand.
for (const button of document.querySelectorAll("[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  const status = document.getElementById(button.dataset.copyStatus);
  if (!field || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      if (status) status.textContent = button.dataset.copiedLabel;
    } catch {
      field.select();
    }
  });
}
