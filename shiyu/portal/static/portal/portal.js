// Resident portal: a preview of the chosen photos (names, thumbnails, a warning when one is too
// large) before sending. The server checks everything again; this only saves a wasted upload.
// No inline scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  function setup() {
    var input = document.getElementById("id_photos");
    var list = document.getElementById("photo-preview");
    if (!input || !list) return;
    var maxBytes = parseFloat(input.getAttribute("data-max-mb") || "0") * 1024 * 1024;
    var tooBig = input.getAttribute("data-too-big") || "";
    input.addEventListener("change", function () {
      list.textContent = "";
      Array.prototype.forEach.call(input.files || [], function (file) {
        var item = document.createElement("li");
        // A data: URL, not a blob: one: the CSP's img-src allows 'self' and data: only.
        if (file.type.indexOf("image/") === 0 && window.FileReader && (!maxBytes || file.size <= maxBytes)) {
          var img = document.createElement("img");
          img.alt = file.name;
          var reader = new FileReader();
          reader.addEventListener("load", function () { img.src = reader.result; });
          reader.readAsDataURL(file);
          item.appendChild(img);
        }
        var name = document.createElement("span");
        name.textContent = file.name;
        item.appendChild(name);
        if (maxBytes && file.size > maxBytes) {
          var warn = document.createElement("span");
          warn.className = "too-big";
          warn.textContent = " " + tooBig;
          item.appendChild(warn);
        }
        list.appendChild(item);
      });
      list.hidden = !list.children.length;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
