// Turnaround chart: ECG volume (bars) and upload-to-report median / p90 minutes (lines) per township.
(function () {
  "use strict";
  var el = document.getElementById("turnaround-chart"), src = document.getElementById("turnaround-data");
  if (!el || !src || !window.echarts) return;
  var data = JSON.parse(src.textContent), labels = JSON.parse(el.dataset.labels);
  var orgs = data.organisations;
  window.echarts.init(el).setOption({
    tooltip: {trigger: "axis"}, legend: {},
    xAxis: {type: "category", data: orgs.map(function (o) { return o.name; }), axisLabel: {rotate: 30}},
    yAxis: [{type: "value", name: labels.count}, {type: "value", name: "min"}],
    series: [
      {name: labels.count, type: "bar", data: orgs.map(function (o) { return o.count; })},
      {name: labels.median, type: "line", yAxisIndex: 1, data: orgs.map(function (o) { return o.median; })},
      {name: labels.p90, type: "line", yAxisIndex: 1, data: orgs.map(function (o) { return o.p90; })}
    ],
    grid: {bottom: 90}
  });
})();
