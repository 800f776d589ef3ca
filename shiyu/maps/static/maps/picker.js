// The resident's location picker. It writes what the map shows into the hidden latitude and
// longitude fields (the server converts GCJ-02 to WGS84 when the map is a GCJ-02 one), looks up the
// area the point lies in, and selects it in the "Where is it?" list.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-map-picker]");
    var el = document.getElementById("location-map");
    if (!box || !el || !window.L || !window.ShiyuMap) return;
    var M = window.ShiyuMap, config = M.readConfig(), strings = config.strings || {};
    var lat = document.getElementById("id_latitude"), lon = document.getElementById("id_longitude");
    var area = document.getElementById("id_area");
    var out = document.getElementById("picked-area");
    var clear = document.getElementById("clear-location"), mine = document.getElementById("use-my-location");
    el.hidden = false;
    clear.hidden = false;
    if (navigator.geolocation) mine.hidden = false;
    var map = M.create(el, config), marker = null;
    // Clicks on an area bubble up to the map's own click handler below.
    M.boundaries(map, config, {fill: true}).then(function (layer) { layer.addTo(map); });

    function place(y, x, keepArea) {
      lat.value = y.toFixed(7);
      lon.value = x.toFixed(7);
      if (marker) marker.setLatLng([y, x]); else marker = L.marker([y, x]).addTo(map);
      el.setAttribute("data-picked", "1");
      var url = config.lookup_url + "?lat=" + lat.value + "&lon=" + lon.value + "&crs=" + config.crs;
      fetch(url).then(function (r) { return r.json(); }).then(function (data) {
        if (!data.path || !data.path.length) { out.textContent = strings.outside; return; }
        out.textContent = strings.picked + ": " + data.path.map(function (a) {
          return document.documentElement.lang === "en" && a.name_en ? a.name_en : a.name;
        }).join(" › ");
        if (!keepArea && area && data.area) {
          var option = area.querySelector('option[value="' + data.area.id + '"]');
          if (option) area.value = String(data.area.id);
        }
      });
    }

    map.on("click", function (e) { place(e.latlng.lat, e.latlng.lng); });
    clear.addEventListener("click", function () {
      lat.value = ""; lon.value = ""; out.textContent = "";
      if (marker) { map.removeLayer(marker); marker = null; }
      el.removeAttribute("data-picked");
    });
    mine.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        var p = [pos.coords.latitude, pos.coords.longitude];
        if (config.crs === "gcj02") p = M.wgs84ToGcj02(p[0], p[1]);  // GPS is WGS84
        place(p[0], p[1]);
        map.setView(p, Math.max(map.getZoom(), 15));
      }, function () { out.textContent = strings.denied; }, {enableHighAccuracy: true, timeout: 15000});
    });
    if (lat.value && lon.value) place(parseFloat(lat.value), parseFloat(lon.value), true);  // form re-shown
  });
})();
