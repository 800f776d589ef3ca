// Public hotspot map: counts per h3 hexagon, never a point.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("map");
    if (!el || !window.L || !window.ShiyuMap) return;
    var M = window.ShiyuMap, config = M.readConfig(), strings = config.strings || {};
    var map = M.create(el, config);
    var form = document.getElementById("map-filters");
    var status = document.getElementById("map-status");
    var cells = null;
    M.boundaries(map, config).then(function (layer) { layer.addTo(map); });

    function load() {
      var params = M.formQuery(form);
      params.set("crs", config.crs);
      fetch(config.public_url + "?" + params.toString())
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (cells) map.removeLayer(cells);
          cells = M.hexLayer(data, strings).addTo(map);
          status.textContent = data.features.length ? "" : strings.no_data;
          el.setAttribute("data-cells", String(data.features.length));
        });
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); load(); });
    form.addEventListener("change", load);
    load();
  });
})();
