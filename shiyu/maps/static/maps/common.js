// Shared map set-up for every Shiyu map. No inline scripts (strict CSP): pages hand their
// settings over in a JSON block (#map-config) that this file reads.
(function () {
  "use strict";

  // GCJ-02 (Chinese web maps) from WGS84 (GPS): the same published formula as shiyu/geo/crs.py.
  // Needed in the browser only to draw the position "use my location" returns on a GCJ-02 map.
  var A = 6378245.0, EE = 0.00669342162296594323;
  function tLat(x, y) {
    var r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
    r += (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
    return r;
  }
  function tLon(x, y) {
    var r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
    r += (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
    return r;
  }
  function wgs84ToGcj02(lat, lon) {
    if (!(lon > 73.66 && lon < 135.05 && lat > 3.86 && lat < 53.55)) return [lat, lon];
    var dLat = tLat(lon - 105, lat - 35), dLon = tLon(lon - 105, lat - 35);
    var rad = lat / 180 * Math.PI, magic = 1 - EE * Math.sin(rad) * Math.sin(rad), sq = Math.sqrt(magic);
    dLat = (dLat * 180) / ((A * (1 - EE)) / (magic * sq) * Math.PI);
    dLon = (dLon * 180) / (A / sq * Math.cos(rad) * Math.PI);
    return [lat + dLat, lon + dLon];
  }

  function readConfig() {
    // A data attribute, not a <script> block: every script on a page is a file of our own.
    var el = document.getElementById("map-config");
    return el ? JSON.parse(el.getAttribute("data-config")) : {};
  }

  function create(el, config) {
    // maxZoom is set on the map itself: with no tile layer nothing else sets it (clustering needs it).
    var map = L.map(el, {zoomControl: true, attributionControl: !!config.tiles, maxZoom: 19});
    if (config.tiles) {
      L.tileLayer(config.tiles, {maxZoom: 19, attribution: config.attribution || ""}).addTo(map);
    }
    if (config.bounds) {
      map.fitBounds(config.bounds);
    } else {
      map.setView([30, 110], 4);
    }
    return map;
  }

  var DEPTH_STYLE = [
    {color: "#444", weight: 2.5}, {color: "#555", weight: 2}, {color: "#777", weight: 1.5},
    {color: "#999", weight: 1}, {color: "#bbb", weight: 0.8}
  ];

  // Area boundaries drawn as outlines, the name on hover. Offline by default: this is the map.
  function boundaries(map, config, options) {
    options = options || {};
    var url = config.boundaries_url + "?crs=" + encodeURIComponent(config.crs) + "&simplify=0.0001";
    var layer = L.geoJSON(null, {
      style: function (feature) {
        var s = DEPTH_STYLE[Math.min(feature.properties.depth || 0, DEPTH_STYLE.length - 1)];
        return {color: s.color, weight: s.weight, fill: !!options.fill, fillOpacity: 0.04, fillColor: "#2a6f97"};
      },
      onEachFeature: function (feature, l) {
        l.bindTooltip(feature.properties.name, {sticky: true});
        if (options.onClick) l.on("click", options.onClick);
      }
    });
    return fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      layer.addData(data);
      if (!config.bounds && data.features && data.features.length) map.fitBounds(layer.getBounds());
      return layer;
    });
  }

  // Colour of a hexagon by its share of the largest count (light yellow to dark red).
  var RAMP = ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"];
  function heatColour(count, max) {
    if (!max) return RAMP[0];
    var i = Math.min(RAMP.length - 1, Math.floor(Math.sqrt(count / max) * RAMP.length));
    return RAMP[i];
  }

  function hexLayer(data, strings) {
    var max = data.max_count || 0;
    return L.geoJSON(data, {
      style: function (f) {
        return {color: "#7a0019", weight: 0.5, fillColor: heatColour(f.properties.count, max), fillOpacity: 0.7};
      },
      onEachFeature: function (f, l) {
        var text = f.properties.count + " " + strings.cases;
        if (f.properties.top_category) text += " · " + strings.top + ": " + f.properties.top_category;
        l.bindTooltip(text, {sticky: true});
      }
    });
  }

  function formQuery(form, skip) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value !== "" && (!skip || skip.indexOf(key) < 0)) params.append(key, value);
    });
    return params;
  }

  window.ShiyuMap = {
    readConfig: readConfig, create: create, boundaries: boundaries, hexLayer: hexLayer,
    formQuery: formQuery, wgs84ToGcj02: wgs84ToGcj02
  };
})();
