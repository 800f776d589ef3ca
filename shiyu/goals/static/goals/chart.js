// Progress of each indicator over time: one line per indicator, baseline and target as reference
// lines. Clicking a point opens the staff case list behind it (when the page gives links).
(function () {
  "use strict";
  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(el);
    var lines = [];
    if (data.baseline !== null) { lines.push({ yAxis: data.baseline, name: el.getAttribute("data-baseline-label") }); }
    if (data.target !== null) { lines.push({ yAxis: data.target, name: el.getAttribute("data-target-label") }); }
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 80, top: 24, bottom: 32 },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", scale: true },
      series: [{
        name: data.name, type: "line", data: data.values, connectNulls: false, symbolSize: 8,
        markLine: { symbol: "none", label: { formatter: "{b}" }, data: lines }
      }]
    });
    chart.on("click", function (params) {
      var link = data.links && data.links[params.dataIndex];
      if (link) { window.location.href = link; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".goal-chart").forEach(draw);
  });
})();
