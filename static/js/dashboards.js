/* Draws the dashboard charts with ECharts from the page's JSON data (#dashboard-data, made by
   dashboards/charts.py). Each chart container names its kind in data-chart ("breakdown-<kind>" for
   a breakdown's pie); the same numbers are in the table under it. Loaded as a static file: the page has
   no inline script. */
(function () {
  "use strict";

  function pieOption(items) {
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { type: "scroll", bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "65%"], top: 0, bottom: 30, data: items }],
    };
  }

  var builders = {
    league: function (data) {
      var league = data.league;
      return {
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
        grid: { left: 40, right: 45, top: 20, bottom: 70 },
        xAxis: { type: "category", data: league.names, axisLabel: { rotate: 40, interval: 0 } },
        yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
        series: [{
          type: "bar",
          data: league.shares.map(function (share, i) {
            return { value: share, itemStyle: { color: league.met[i] ? "#198754" : "#dc3545" } };
          }),
          markLine: data.target === null ? undefined : {
            symbol: "none",
            lineStyle: { type: "dashed", color: "#0d6efd" },
            label: { formatter: data.target + "%" },
            data: [{ yAxis: data.target }],
          },
        }],
      };
    },
    trend: function (data) {
      return {
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
        legend: { type: "scroll", bottom: 0 },
        grid: { left: 40, right: 45, top: 20, bottom: 60 },
        xAxis: { type: "category", data: data.trend.dates },
        yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
        series: data.trend.series.map(function (series, i) {
          var line = { type: "line", name: series.name, data: series.data, connectNulls: true, showSymbol: series.data.length < 40 };
          if (i === 0 && data.target !== null) {
            line.markLine = {
              symbol: "none", lineStyle: { type: "dashed", color: "#0d6efd" },
              label: { formatter: data.target + "%" }, data: [{ yAxis: data.target }],
            };
          }
          return line;
        }),
      };
    },
    funnel: function (data) {
      return {
        tooltip: { trigger: "item", formatter: "{b}: {c}" },
        series: [{
          type: "funnel", sort: "none", minSize: "4%", left: "10%", width: "80%", gap: 2,
          label: { position: "inside", formatter: "{b}: {c}" },
          data: data.funnel,
        }],
      };
    },
  };

  function optionFor(kind, data) {
    var match = /^breakdown-(\w+)$/.exec(kind);
    if (match) {
      var group = (data.breakdown || []).filter(function (g) { return g.kind === match[1]; })[0];
      return group && group.items.length ? pieOption(group.items) : null;
    }
    if (!builders[kind] || !data[kind]) return null;
    return builders[kind](data);
  }

  function init() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var option = optionFor(element.dataset.chart, data);
      if (!option) { element.hidden = true; return; }
      // ECharts builds its HTML tooltips with style attributes, which the portal's Content-Security-Policy
      // refuses (style-src 'self'): the tooltips are drawn inside the chart's SVG instead.
      if (option.tooltip) { option.tooltip.renderMode = "richText"; }
      var chart = echarts.init(element, null, { renderer: "svg" });
      chart.setOption(option);
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (chart) { chart.resize(); }); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
