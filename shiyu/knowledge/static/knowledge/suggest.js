// The case page's knowledge suggestions: "Insert into the answer" copies the article's answer
// into the answer (or reply) form. No inline scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-kb-insert]");
    if (!button) return;
    var source = document.getElementById("kb-text-" + button.getAttribute("data-kb-insert"));
    var box = document.querySelector("#action-answer textarea[name=text]") ||
      document.querySelector("#action-reply textarea[name=text]");
    if (!source || !box) return;
    var text = source.content ? source.content.textContent : source.textContent;
    box.value = box.value.trim() ? box.value.replace(/\s+$/, "") + "\n\n" + text.trim() : text.trim();
    box.focus();
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
