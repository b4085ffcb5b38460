// Keyboard shortcuts of the review workbench: plain JavaScript, no build step.
//   a accept · c correct (focus the value; Enter saves) · n not a fact · u undo · j/k next/previous · p page view
// Shortcuts are off while typing in a field (Escape leaves the field).
"use strict";

function submitForm(id) {
  const form = document.getElementById(id);
  if (form) { form.requestSubmit ? form.requestSubmit() : form.submit(); return true; }
  return false;
}

function follow(id) {
  const link = document.getElementById(id);
  if (link) { window.location.href = link.href; return true; }
  return false;
}

document.addEventListener("keydown", (event) => {
  const target = event.target;
  const typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
  if (typing) {
    if (event.key === "Escape") { target.blur(); }
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) { return; }
  let done = false;
  switch (event.key) {
    case "a": done = submitForm("accept-form"); break;
    case "n": done = submitForm("reject-form"); break;
    case "u": done = submitForm("undo-last") || submitForm("undo-form"); break;
    case "c": {
      const value = document.getElementById("correct-value");
      if (value) { value.focus(); value.select(); done = true; }
      break;
    }
    case "j": done = follow("next"); break;
    case "k": done = follow("prev"); break;
    case "p": done = follow("page-link"); break;
  }
  if (done) { event.preventDefault(); }
});

// The page view: the fact a link came from (#fact-N) is outlined.
window.addEventListener("DOMContentLoaded", () => {
  if (window.location.hash.startsWith("#fact-")) {
    const link = document.getElementById(window.location.hash.slice(1));
    if (link) { link.classList.add("focused"); }
  }
});
