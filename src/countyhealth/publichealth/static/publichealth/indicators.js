// Charts of the indicator dashboard (ECharts, vendored). The page hands its figures over in a json_script
// block because the CSP forbids inline scripts; clicking a bar (or its label) drills down to that organisation.
(function () {
  "use strict";
  const node = document.getElementById("indicator-chart-data");
  if (!node || !window.echarts) return;
  const data = JSON.parse(node.textContent);
  const text = data.text;
  const brand = "#0b6e69";
  const muted = "#637381";
  const charts = [];

  const percent = (value) => (value === null || value === undefined ? "—" : value.toFixed(1) + "%");
  const detail = (item, name) =>
    `<strong>${name}</strong><br>${text.rate}: ${percent(item.rate)}<br>` +
    `${text.numerator}: ${item.numerator.toLocaleString()}<br>${text.denominator}: ${item.denominator.toLocaleString()}`;
  // Coverage can pass 100 % when the configured population is below the records: let the axis follow.
  const axisMax = (extent) => Math.max(100, Math.ceil(extent.max / 10) * 10);

  const barNode = document.getElementById("ind-bars");
  if (barNode && data.bars.length) {
    const items = [...data.bars].sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1));
    barNode.style.height = Math.max(320, 30 * items.length + 110) + "px";
    const chart = echarts.init(barNode);
    chart.setOption({
      title: {
        text: data.indicator, subtext: text.bar_title, left: "center",
        textStyle: { fontSize: 14, fontWeight: 600 }, subtextStyle: { color: muted },
      },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: (params) => detail(items[params[0].dataIndex], items[params[0].dataIndex].name),
      },
      grid: { left: 8, right: 56, top: 64, bottom: 16, containLabel: true },
      xAxis: {
        type: "value", min: 0, max: axisMax,
        axisLabel: { formatter: "{value}%", color: muted },
        splitLine: { lineStyle: { type: "dashed" } },
      },
      yAxis: {
        type: "category", inverse: true, triggerEvent: true,
        data: items.map((item) => item.name),
        axisLabel: { width: 120, overflow: "truncate", color: "#1f2933", fontSize: 12 },
        axisTick: { show: false },
      },
      series: [{
        type: "bar",
        data: items.map((item) => (item.rate === null ? { value: 0, itemStyle: { color: "#dfe3e8" } } : item.rate)),
        barMaxWidth: 20,
        itemStyle: { color: brand, borderRadius: [0, 3, 3, 0] },
        emphasis: { itemStyle: { color: "#07514d" } },
        label: {
          show: true, position: "right", color: "#1f2933", fontSize: 12,
          formatter: (params) => percent(items[params.dataIndex].rate),
        },
        cursor: "pointer",
      }],
    });
    chart.on("click", (params) => {
      const index = params.componentType === "yAxis" ? items.findIndex((i) => i.name === params.value) : params.dataIndex;
      if (items[index]) window.location.href = items[index].url;
    });
    charts.push(chart);
  }

  const trendNode = document.getElementById("ind-trend");
  if (trendNode) {
    const points = data.trend;
    const chart = echarts.init(trendNode);
    chart.setOption({
      title: {
        text: data.indicator, subtext: text.trend_title, left: "center",
        textStyle: { fontSize: 14, fontWeight: 600 }, subtextStyle: { color: muted },
      },
      tooltip: {
        trigger: "axis",
        formatter: (params) => detail(points[params[0].dataIndex], points[params[0].dataIndex].label),
      },
      grid: { left: 8, right: 24, top: 64, bottom: 16, containLabel: true },
      xAxis: {
        type: "category", boundaryGap: false,
        data: points.map((p) => p.label),
        axisLabel: { color: muted },
      },
      yAxis: {
        type: "value", min: 0, max: axisMax,
        axisLabel: { formatter: "{value}%", color: muted },
        splitLine: { lineStyle: { type: "dashed" } },
      },
      series: [{
        type: "line",
        data: points.map((p) => p.rate),
        connectNulls: false,
        symbol: "circle", symbolSize: 7,
        lineStyle: { width: 3, color: brand },
        itemStyle: { color: brand },
        areaStyle: { color: "rgba(11, 110, 105, 0.10)" },
        label: { show: points.length <= 12, position: "top", fontSize: 11, color: "#1f2933",
                 formatter: (params) => percent(points[params.dataIndex].rate) },
      }],
    });
    charts.push(chart);
  }

  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
