// Boundary editor of the area admin: shows the GeoJSON of the textarea on a map (with the other
// areas for reference, no tiles: works offline) and lets an administrator draw a polygon by
// clicking its corners. The textarea stays the single source: the server validates what it holds.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var area = document.querySelector("textarea[data-boundary-editor]");
    if (!area || !window.L) return;
    var crsSelect = document.getElementById("id_boundary_crs");
    var box = document.createElement("div");
    box.className = "boundary-editor";
    var bar = document.createElement("div");
    bar.className = "boundary-editor-bar";
    function button(label) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "button"; b.textContent = label;
      bar.appendChild(b);
      return b;
    }
    var draw = button(area.dataset.labelDraw), undo = button(area.dataset.labelUndo),
      finish = button(area.dataset.labelFinish);
    var help = document.createElement("span");
    help.className = "help"; help.textContent = area.dataset.labelHelp; help.hidden = true;
    bar.appendChild(help);
    var mapEl = document.createElement("div");
    mapEl.className = "boundary-editor-map";
    box.appendChild(bar); box.appendChild(mapEl);
    area.parentNode.insertBefore(box, area.nextSibling);

    var map = L.map(mapEl, {maxZoom: 19}).setView([30, 110], 4);
    var current = L.geoJSON(null, {style: {color: "#b10026", weight: 2, fillOpacity: 0.15}}).addTo(map);
    var context = L.geoJSON(null, {style: {color: "#888", weight: 1, fill: false}, interactive: false}).addTo(map);
    var drawing = null, vertices = [];

    function show() {
      current.clearLayers();
      try {
        if (area.value.trim()) current.addData(JSON.parse(area.value));
      } catch (e) { return; }
      var b = current.getBounds();
      if (b.isValid()) map.fitBounds(b, {maxZoom: 17});
    }
    function loadContext() {
      var system = crsSelect ? crsSelect.value : "wgs84";
      fetch("/api/v1/areas/boundaries?simplify=0.0005&crs=" + encodeURIComponent(system))
        .then(function (r) { return r.json(); })
        .then(function (data) {
          context.clearLayers(); context.addData(data);
          if (!current.getLayers().length && context.getBounds().isValid()) map.fitBounds(context.getBounds());
        });
    }
    function stop() {
      if (drawing) map.removeLayer(drawing);
      drawing = null; vertices = []; help.hidden = true;
      mapEl.classList.remove("drawing");
    }
    draw.addEventListener("click", function () {
      stop();
      drawing = L.polyline([], {color: "#b10026", dashArray: "4 4"}).addTo(map);
      help.hidden = false;
      mapEl.classList.add("drawing");
    });
    undo.addEventListener("click", function () {
      if (!drawing) return;
      vertices.pop(); drawing.setLatLngs(vertices);
    });
    finish.addEventListener("click", function () {
      if (!drawing || vertices.length < 3) return;
      var ring = vertices.map(function (p) { return [+p.lng.toFixed(7), +p.lat.toFixed(7)]; });
      ring.push(ring[0]);
      area.value = JSON.stringify({type: "Polygon", coordinates: [ring]});
      area.dispatchEvent(new Event("change"));
      stop(); show();
    });
    map.on("click", function (e) {
      if (!drawing) return;
      vertices.push(e.latlng); drawing.setLatLngs(vertices);
    });
    area.addEventListener("input", show);
    if (crsSelect) crsSelect.addEventListener("change", loadContext);
    show();
    loadContext();
  });
})();
