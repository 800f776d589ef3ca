// Behaviour without inline scripts (the Content-Security-Policy forbids them).
// Everything here is progressive enhancement: every page works without JavaScript.

// htmx would add a <style> element for its request indicators, which the CSP blocks (and the
// browser reports as a violation); app.css carries the .htmx-indicator rules instead. This file is
// loaded after htmx and before DOMContentLoaded, when htmx reads its configuration.
if (window.htmx) window.htmx.config.includeIndicatorStyles = false;

// <select data-autosubmit>: submit its form when the choice changes (language switcher, filters).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches && el.matches("[data-autosubmit]")) el.form.submit();
});

// <form data-confirm="Question?">: ask before submitting.
// <form data-submit-once>: disable its submit buttons once sent. The server is idempotent anyway
// (the submit form carries a one-time token); this only spares the resident a confusing double click.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  if (form.hasAttribute("data-submit-once")) {
    if (form.dataset.sent === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    // Disable after the browser has collected the form data, so the button's own value is sent.
    window.setTimeout(() => {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach((b) => {
        b.disabled = true;
      });
    }, 0);
  }
});

// Coming back with the Back button restores a page from the cache with its buttons disabled.
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-submit-once]").forEach((form) => {
    delete form.dataset.sent;
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach((b) => {
      b.disabled = false;
    });
  });
});

// <p class="counter" data-counter-for="id_x" hidden>: "12 / 200" under a field with maxlength.
function updateCounter(counter, field) {
  const max = parseInt(field.getAttribute("maxlength"), 10);
  const used = field.value.length;
  counter.textContent = `${used} / ${max}`;
  counter.classList.toggle("near-limit", used >= max * 0.9);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-counter-for]").forEach((counter) => {
    const field = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!field || !field.hasAttribute("maxlength")) return;
    counter.hidden = false;
    updateCounter(counter, field);
    field.addEventListener("input", () => updateCounter(counter, field));
  });
  // After a failed submission, move focus to the error summary so screen readers announce it.
  const summary = document.getElementById("form-errors");
  if (summary) summary.focus();
});
