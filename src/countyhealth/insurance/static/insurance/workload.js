// Workload and money charts (ECharts, vendored). Data comes from a json_script block: the CSP forbids inline
// scripts. Daily: stacked insurance/patient shares with visits and prescriptions on a second axis; institutions: bars.
(function () {
  "use strict";
  const node = document.getElementById("insurance-workload-data");
  if (!node || !window.echarts) return;
  const data = JSON.parse(node.textContent);
  const t = data.text;
  const daily = echarts.init(document.getElementById("ins-daily"));
  daily.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.days.map((d) => d.slice(5)) },
    yAxis: [{ type: "value", name: t.yuan }, { type: "value", name: t.visits, minInterval: 1 }],
    series: [
      { name: t.fund, type: "bar", stack: "money", data: data.series.fund, itemStyle: { color: "#0b6e69" } },
      { name: t.patient, type: "bar", stack: "money", data: data.series.patient, itemStyle: { color: "#e0a33b" } },
      { name: t.lb, type: "line", data: data.series.lb, itemStyle: { color: "#7a4fb3" } },
      { name: t.visits, type: "line", yAxisIndex: 1, data: data.series.visits, itemStyle: { color: "#333" } },
      { name: t.prescriptions, type: "line", yAxisIndex: 1, data: data.series.prescriptions,
        lineStyle: { type: "dashed" }, itemStyle: { color: "#888" } },
    ],
  });
  const orgs = data.institutions.slice(0, 30);
  const byOrg = echarts.init(document.getElementById("ins-orgs"));
  byOrg.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: "value", name: t.yuan },
    yAxis: { type: "category", data: orgs.map((o) => o.name), inverse: true },
    series: [
      { name: t.fund, type: "bar", stack: "money", data: orgs.map((o) => o.fund.toFixed(2)), itemStyle: { color: "#0b6e69" } },
      { name: t.patient, type: "bar", stack: "money", data: orgs.map((o) => o.patient.toFixed(2)), itemStyle: { color: "#e0a33b" } },
    ],
  });
  window.addEventListener("resize", () => { daily.resize(); byOrg.resize(); });
})();
