// Leaders' dashboard: ECharts for the trend and the unit ranking, the maps app's h3 heat layer.
// The figures come in the page's #insights-charts data attribute (no inline script: strict CSP);
// a click on a chart point opens the cases behind it, as the links of the tables do.
(function () {
  "use strict";

  function readJSON(id, attr) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.getAttribute(attr)) : null;
  }

  function trend(data) {
    var el = document.getElementById("chart-trend");
    if (!el || !window.echarts) return;
    var chart = echarts.init(el);
    var s = data.strings, t = data.trend;
    chart.setOption({
      tooltip: {trigger: "axis"},
      legend: {data: [s.intake, s.completed, s.last_year]},
      grid: {left: 40, right: 16, top: 36, bottom: 28},
      xAxis: {type: "category", data: t.days},
      yAxis: {type: "value", minInterval: 1},
      series: [
        {name: s.intake, type: "line", data: t.intake, smooth: true},
        {name: s.completed, type: "line", data: t.completed, smooth: true},
        {name: s.last_year, type: "line", data: t.last_year, smooth: true, lineStyle: {type: "dashed"}}
      ]
    });
    chart.on("click", function (p) {
      if (p.seriesIndex === 0 && t.urls[p.dataIndex]) window.location.href = t.urls[p.dataIndex];
    });
    el.setAttribute("data-ready", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function departments(data) {
    var el = document.getElementById("chart-departments");
    if (!el || !window.echarts) return;
    var key = data.rank_by, rate = /_rate$/.test(key);
    var rows = data.departments.filter(function (r) { return r[key] !== null; }).slice(0, 15).reverse();
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: {trigger: "item"},
      grid: {left: 140, right: 24, top: 10, bottom: 24},
      xAxis: {type: "value", max: rate ? 1 : null,
              axisLabel: {formatter: function (v) { return rate ? Math.round(v * 100) + "%" : v; }}},
      yAxis: {type: "category", data: rows.map(function (r) { return r.label; })},
      series: [{name: data.strings.rank_label, type: "bar",
                data: rows.map(function (r) { return r[key]; })}]
    });
    chart.on("click", function (p) { if (rows[p.dataIndex]) window.location.href = rows[p.dataIndex].url; });
    el.setAttribute("data-ready", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function heat() {
    var el = document.getElementById("map");
    if (!el || !window.L || !window.ShiyuMap) return;
    var M = window.ShiyuMap, config = M.readConfig(), map = M.create(el, config);
    M.boundaries(map, config).then(function (layer) { layer.addTo(map); });
    var params = new URLSearchParams(config.heat_params || {});
    params.set("crs", config.crs);
    fetch(config.heat_url + "?" + params.toString(), {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (geo) {
        var layer = M.hexLayer(geo, config.strings || {}).addTo(map);
        if (layer.bringToBack) layer.bringToBack();
        el.setAttribute("data-cells", String(geo.features.length));
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var data = readJSON("insights-charts", "data-charts");
    if (data) { trend(data); departments(data); }
    heat();
  });
})();
