// Lab pages: trend charts (ECharts), the recognition chart, and the running clocks of open critical values.
(function () {
  function data(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  const trends = data("lab-trend-data");
  if (trends && window.echarts) {
    document.querySelectorAll(".lab-trend").forEach(function (node) {
      const s = trends[Number(node.dataset.series)];
      const chart = echarts.init(node);
      chart.setOption({
        title: { text: s.name + " (" + s.unit + ")", subtext: s.reference, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        grid: { left: 48, right: 16, top: 56, bottom: 32 },
        xAxis: { type: "category", data: s.points.map(function (p) { return p[0]; }) },
        yAxis: { type: "value", scale: true },
        series: [{
          type: "line", data: s.points.map(function (p) {
            const bad = p[2] !== "N";
            return { value: p[1], itemStyle: { color: p[2].length === 2 ? "#c62828" : (bad ? "#e67e22" : "#1f6f8b") } };
          }),
        }],
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  const recognition = data("recognition-data");
  const target = document.getElementById("recognition-chart");
  if (recognition && target && window.echarts) {
    const chart = echarts.init(target);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: {},
      xAxis: { type: "category", data: recognition.months },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", name: "¥" }],
      series: [
        { name: target.getAttribute("aria-label"), type: "bar", data: recognition.recognised },
        { name: target.dataset.savedLabel, type: "line", yAxisIndex: 1, data: recognition.saved },
      ],
    });
  }

  // Running clocks: minutes and seconds since notification, refreshed every second (also after htmx swaps).
  function tick() {
    const now = Date.now();
    document.querySelectorAll(".clock[data-since]").forEach(function (node) {
      const seconds = Math.max(0, Math.floor((now - Date.parse(node.dataset.since)) / 1000));
      const m = Math.floor(seconds / 60), s = seconds % 60;
      node.textContent = m + ":" + String(s).padStart(2, "0");
      if (seconds >= 600) node.classList.add("overdue");
    });
  }
  tick();
  setInterval(tick, 1000);
})();
