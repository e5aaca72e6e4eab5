// Referral dashboard charts (ECharts, vendored). Figures come in a json_script block (the CSP forbids inline
// scripts); the translated series names come from data attributes.
(function () {
  "use strict";
  const node = document.getElementById("referral-chart-data");
  if (!node || !window.echarts) return;
  const data = JSON.parse(node.textContent);
  const text = document.getElementById("referral-chart-text").dataset;
  const brand = "#0b6e69";
  const accent = "#c77700";
  const title = (t) => ({ text: t, left: "center", textStyle: { fontSize: 14, fontWeight: 600 } });
  const charts = [];
  const draw = (id, option) => {
    const el = document.getElementById(id);
    if (!el) return;
    const chart = echarts.init(el);
    chart.setOption(option);
    charts.push(chart);
  };
  draw("chart-monthly", {
    title: title(text.monthly), tooltip: { trigger: "axis" }, legend: { bottom: 0 },
    grid: { left: 40, right: 16, top: 40, bottom: 48 },
    xAxis: { type: "category", data: data.months }, yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: text.up, type: "bar", stack: "n", data: data.up, itemStyle: { color: brand } },
      { name: text.down, type: "bar", stack: "n", data: data.down, itemStyle: { color: accent } },
    ],
  });
  draw("chart-accept", {
    title: title(text.accept), tooltip: { trigger: "axis" }, grid: { left: 40, right: 16, top: 40, bottom: 32 },
    xAxis: { type: "category", data: data.months }, yAxis: { type: "value" },
    series: [{ type: "line", data: data.accept_hours, connectNulls: true, itemStyle: { color: brand } }],
  });
  const inst = [...data.institutions].reverse();
  draw("chart-institutions", {
    title: title(text.institutions), tooltip: { trigger: "axis", axisPointer: { type: "shadow" } }, legend: { bottom: 0 },
    grid: { left: 8, right: 24, top: 40, bottom: 40, containLabel: true },
    xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", data: inst.map((i) => i.institution) },
    series: [
      { name: text.up, type: "bar", stack: "n", data: inst.map((i) => i.up), itemStyle: { color: brand } },
      { name: text.down, type: "bar", stack: "n", data: inst.map((i) => i.down), itemStyle: { color: accent } },
    ],
  });
  draw("chart-first-visit", {
    title: title(text.first), tooltip: { trigger: "axis" }, grid: { left: 40, right: 16, top: 40, bottom: 32 },
    xAxis: { type: "category", data: data.months }, yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: [{ type: "line", data: data.first_visit_rate, connectNulls: true, itemStyle: { color: brand } }],
  });
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
