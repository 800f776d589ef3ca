// Staff workbench behaviour. No inline scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";

  // htmx does not swap 4xx answers by default. The case panel and the contact box answer
  // 403/409/422 with a fresh panel that carries the message, so let those through.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if ((status === 403 || status === 409 || status === 422) && target && target.closest &&
        target.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // After a swap, move focus to the message so screen readers and keyboards follow it.
  document.addEventListener("htmx:afterSettle", function () {
    var message = document.getElementById("case-error") || document.getElementById("case-notice");
    if (message) message.focus();
  });

  // "Select all" checkbox of the bulk bar: ticks the row checkboxes of the same name.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.matches || !el.matches("[data-select-all]")) return;
    var name = el.getAttribute("data-select-all");
    document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
      box.checked = el.checked;
    });
  });

  // A bulk action without any selected row does nothing; say so before the round trip.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "bulk-form") return;
    if (!document.querySelector('input[name="case_ids"][form="bulk-form"]:checked')) {
      event.preventDefault();
      var hint = document.getElementById("bulk-hint");
      if (hint) hint.hidden = false;
    }
  });
})();
