// Transparency page charts (ECharts). The figures come from a data attribute (the CSP allows no
// inline script); every chart repeats a table on the page, so nothing depends on this script.
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("chart-config");
    if (!holder || !window.echarts) return;
    var config = JSON.parse(holder.getAttribute("data-config") || "{}");
    var s = config.strings || {};
    var charts = [];
    var trendEl = document.getElementById("chart-trend");
    if (trendEl && config.trend && config.trend.labels.length) {
      var trend = window.echarts.init(trendEl);
      trend.setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 40, bottom: 30, top: 36, containLabel: true },
        xAxis: { type: "category", data: config.trend.labels },
        yAxis: [{ type: "value" }, { type: "value", min: 0, max: 100 }],
        series: [
          { name: s.intake, type: "bar", data: config.trend.intake, itemStyle: { color: "#0b5cad" } },
          { name: s.completed, type: "bar", data: config.trend.completed, itemStyle: { color: "#1a6b34" } },
          { name: s.satisfaction, type: "line", yAxisIndex: 1, data: config.trend.satisfaction,
            itemStyle: { color: "#7a4d00" } }
        ]
      });
      charts.push(trend);
    }
    var deptEl = document.getElementById("chart-departments");
    if (deptEl && config.departments && config.departments.labels.length) {
      var dept = window.echarts.init(deptEl);
      dept.setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 10, right: 20, bottom: 10, top: 36, containLabel: true },
        xAxis: { type: "value", min: 0, max: 100 },
        yAxis: { type: "category", data: config.departments.labels, inverse: true,
                 axisLabel: { width: 110, overflow: "truncate" } },
        series: [
          { name: s.on_time, type: "bar", data: config.departments.on_time, itemStyle: { color: "#0b5cad" } },
          { name: s.satisfaction, type: "bar", data: config.departments.satisfaction, itemStyle: { color: "#1a6b34" } }
        ]
      });
      charts.push(dept);
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
