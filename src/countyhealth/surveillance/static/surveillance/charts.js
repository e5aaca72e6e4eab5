// Epidemic curve (daily bars, 7-day line, threshold band, signal markers) and the heat map of the
// surveillance pages. Figures come in json_script blocks because the CSP forbids inline scripts.
(function () {
  "use strict";
  if (!window.echarts) return;
  const read = (id) => { const n = document.getElementById(id); return n ? JSON.parse(n.textContent) : null; };

  const curve = read("surv-curve-data");
  const curveNode = document.getElementById("surv-curve");
  if (curve && curveNode) {
    const index = new Map(curve.dates.map((d, i) => [d, i]));
    const marks = curve.signals.filter((s) => index.has(s.day))
      .map((s) => ({ coord: [s.day, curve.weekly[index.get(s.day)]], name: s.algorithm }));
    echarts.init(curveNode).setOption({
      title: { text: curve.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, data: [curve.text.daily, curve.text.weekly, curve.text.threshold] },
      grid: { left: 40, right: 16, top: 40, bottom: 80 },
      dataZoom: [{ type: "slider", bottom: 30, startValue: Math.max(0, curve.dates.length - 120) }],
      xAxis: { type: "category", data: curve.dates },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: curve.text.daily, type: "bar", data: curve.daily, itemStyle: { color: "#9fb3c8" } },
        { name: curve.text.threshold, type: "line", data: curve.threshold, step: "middle", symbol: "none",
          lineStyle: { type: "dashed", color: "#d9822b" }, areaStyle: { color: "rgba(217,130,43,0.12)" } },
        { name: curve.text.weekly, type: "line", data: curve.weekly, symbol: "none", color: "#0b6e69",
          markPoint: { symbol: "pin", symbolSize: 36, itemStyle: { color: "#c0392b" }, data: marks,
                       label: { formatter: "!" } } },
      ],
    });
  }

  const heat = read("surv-heat-data");
  const heatNode = document.getElementById("surv-heat");
  if (heat && heatNode) {
    const max = Math.max(1, ...heat.cells.map((c) => c[2]));
    heatNode.style.height = Math.max(320, 28 * heat.areas.length + 160) + "px";
    echarts.init(heatNode).setOption({
      title: { text: heat.text.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { formatter: (p) => `${heat.areas[p.value[1]]} · ${heat.diseases[p.value[0]]}: ${p.value[2]}` },
      grid: { left: 8, right: 16, top: 40, bottom: 90, containLabel: true },
      xAxis: { type: "category", data: heat.diseases, axisLabel: { rotate: 45, fontSize: 11 } },
      yAxis: { type: "category", data: heat.areas },
      visualMap: { min: 0, max, calculable: true, orient: "horizontal", left: "center", bottom: 0,
                   inRange: { color: ["#f7fbff", "#fdd49e", "#d7301f"] } },
      series: [{ type: "heatmap", data: heat.cells, label: { show: true, fontSize: 10 } }],
    });
  }
})();
