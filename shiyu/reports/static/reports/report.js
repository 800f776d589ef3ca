// Analysis report charts (ECharts). The figures come in #report-charts' data attribute
// (no inline script: strict CSP).
(function () {
  "use strict";

  function init() {
    var holder = document.getElementById("report-charts");
    if (!holder || !window.echarts) return;
    var data = JSON.parse(holder.getAttribute("data-charts"));
    var s = data.strings;
    var days = document.getElementById("report-chart-days");
    if (days) {
      var chart = echarts.init(days);
      chart.setOption({
        tooltip: {trigger: "axis"},
        legend: {data: [s.intake, s.completed]},
        grid: {left: 40, right: 16, top: 36, bottom: 28},
        xAxis: {type: "category", data: data.days.map(function (d) { return d.day; })},
        yAxis: {type: "value", minInterval: 1},
        series: [
          {name: s.intake, type: "bar", data: data.days.map(function (d) { return d.intake; })},
          {name: s.completed, type: "line", data: data.days.map(function (d) { return d.completed; })}
        ]
      });
      days.setAttribute("data-ready", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    }
    var units = document.getElementById("report-chart-departments");
    if (units && data.departments.length) {
      var rows = data.departments.slice().reverse();
      var bars = echarts.init(units);
      bars.setOption({
        tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
        grid: {left: 120, right: 24, top: 16, bottom: 24},
        xAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
        yAxis: {type: "category", data: rows.map(function (r) { return r.label; })},
        series: [{name: s.on_time, type: "bar", data: rows.map(function (r) {
          return r.on_time_completion_rate === null ? 0 : Math.round(r.on_time_completion_rate * 1000) / 10;
        })}]
      });
      units.setAttribute("data-ready", "1");
      window.addEventListener("resize", function () { bars.resize(); });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
}());
