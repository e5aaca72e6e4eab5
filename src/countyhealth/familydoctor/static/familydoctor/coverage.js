// Contract-coverage bar chart (Apache ECharts, vendored). The data comes from the page's
// <script type="application/json" id="coverage-data"> written by json_script; a click on a bar opens the
// level below (organisation → villages → residents).
(function () {
  "use strict";
  const holder = document.getElementById("coverage-chart");
  const source = document.getElementById("coverage-data");
  if (!holder || !source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  if (!data.labels.length) { holder.hidden = true; return; }

  const chart = echarts.init(holder);
  chart.setOption({
    grid: { left: 48, right: 48, top: 24, bottom: 72 },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: function (items) {
        const i = items[0].dataIndex;
        const esc = echarts.format.encodeHTML;
        return esc(data.labels[i]) + "<br>" + esc(data.series) + ": " + data.rates[i] + "%<br>" +
          data.contracted[i] + " / " + data.totals[i];
      },
    },
    xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", min: 0, max: function (range) { return Math.max(100, Math.ceil(range.max)); },
             axisLabel: { formatter: "{value}%" } },
    series: [{
      name: data.series, type: "bar", data: data.rates, barMaxWidth: 48,
      label: { show: true, position: "top", formatter: "{c}%" },
      itemStyle: { color: "#1f6f8b" },
      markLine: { silent: true, symbol: "none", data: [{ yAxis: 75 }], lineStyle: { type: "dashed", color: "#b9770e" } },
    }],
  });
  chart.on("click", function (params) {
    const link = data.links[params.dataIndex];
    if (link) window.location.href = link;
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
