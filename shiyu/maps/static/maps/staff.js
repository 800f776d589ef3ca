// Staff case map: clustered markers of the cases the user may see, an h3 heat map for the same
// filters, and the area boundaries. The filter form works without script (a GET reload); with
// script the layers reload in place.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("map");
    if (!el || !window.L || !window.ShiyuMap) return;
    var M = window.ShiyuMap, config = M.readConfig(), strings = config.strings || {};
    var map = M.create(el, config);
    var form = document.getElementById("map-filters");
    var status = document.getElementById("map-status");
    var areas = null, markers = null, heat = null;

    M.boundaries(map, config).then(function (layer) {
      areas = layer;
      if (document.getElementById("layer-areas").checked) areas.addTo(map);
    });

    function want(name) { return document.getElementById("layer-" + name).checked; }

    function load() {
      var params = M.formQuery(form, ["layer"]);
      params.set("crs", config.crs);
      if (!params.has("days")) params.set("days", "30");
      history.replaceState(null, "", "?" + params.toString());
      if (markers) { map.removeLayer(markers); markers = null; }
      if (heat) { map.removeLayer(heat); heat = null; }
      if (want("markers")) {
        fetch(config.cases_url + "?" + params.toString(), {credentials: "same-origin"})
          .then(function (r) { return r.json(); })
          .then(function (data) {
            markers = L.markerClusterGroup({chunkedLoading: true});
            markers.addLayer(L.geoJSON(data, {
              onEachFeature: function (f, layer) {
                var p = f.properties, box = document.createElement("div");
                var link = document.createElement("a");
                link.href = p.url; link.textContent = p.code + " · " + p.title;
                box.appendChild(link);
                var meta = document.createElement("div");
                meta.textContent = [p.state_label, p.category, p.submitted_at.slice(0, 10)].filter(Boolean).join(" · ");
                box.appendChild(meta);
                layer.bindPopup(box);
              }
            }));
            markers.addTo(map);
            status.textContent = data.total ? strings.shown.replace("%(shown)s", data.shown)
              .replace("%(total)s", data.total) : strings.no_data;
            el.setAttribute("data-markers", String(data.shown));
          });
      } else {
        status.textContent = "";
      }
      if (want("heat")) {
        fetch(config.heat_url + "?" + params.toString(), {credentials: "same-origin"})
          .then(function (r) { return r.json(); })
          .then(function (data) {
            heat = M.hexLayer(data, strings).addTo(map);
            if (heat.bringToBack) heat.bringToBack();
            el.setAttribute("data-cells", String(data.features.length));
          });
      }
      if (areas) {
        if (want("areas")) areas.addTo(map); else map.removeLayer(areas);
      }
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); load(); });
    form.addEventListener("change", load);
    load();
  });
})();
