/* Draws the dashboard charts with ECharts from the page's JSON data (#dashboard-data, made by
   dashboards/charts.py). Each chart container names its kind in data-chart ("breakdown-<kind>" for
   a breakdown's bars); the same numbers are in the table under it. Every share chart draws its
   target as a labelled dashed line. Loaded as a static file: the page has no inline script. */
(function () {
  "use strict";

  var GOOD = "#198754", SHORT = "#dc3545", TARGET = "#0d6efd";

  function percent(v) { return v === null || v === undefined ? "—" : v + "%"; }

  // The target as a dashed horizontal (or, on a horizontal bar chart, vertical) line, labelled "目标 10%".
  function targetLine(data, value, vertical) {
    if (value === null || value === undefined) return undefined;
    var point = vertical ? { xAxis: value } : { yAxis: value };
    return {
      symbol: "none", silent: true,
      lineStyle: { type: "dashed", color: TARGET, width: 2 },
      label: { formatter: data.text.target + " " + value + "%", position: vertical ? "end" : "insideEndTop", color: TARGET },
      data: [point],
    };
  }

  function shareBars(data, names, shares, met, target) {
    return {
      tooltip: { trigger: "axis", valueFormatter: percent },
      grid: { left: 40, right: 20, top: 30, bottom: 70 },
      xAxis: { type: "category", data: names, axisLabel: { rotate: 40, interval: 0 } },
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" }, max: function (v) { return Math.max(v.max, (target || 0) * 1.3); } },
      series: [{
        type: "bar",
        data: shares.map(function (share, i) { return { value: share, itemStyle: { color: met[i] ? GOOD : SHORT } }; }),
        markLine: targetLine(data, target, false),
      }],
    };
  }

  function countBars(items) {
    // Horizontal bars, largest first from the top: labels sit on the axis and never overlap.
    var reversed = items.slice().reverse();
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c}" },
      grid: { left: 8, right: 40, top: 10, bottom: 10, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: reversed.map(function (item) { return item.name; }), axisLabel: { width: 120, overflow: "truncate" } },
      series: [{ type: "bar", data: reversed.map(function (item) { return item.value; }), label: { show: true, position: "right" }, itemStyle: { color: TARGET } }],
    };
  }

  var builders = {
    league: function (data) {
      return shareBars(data, data.league.names, data.league.shares, data.league.met, data.target);
    },
    departments: function (data) {
      var d = data.departments;
      return shareBars(data, d.names, d.shares, d.met, d.target);
    },
    trend: function (data) {
      return {
        tooltip: { trigger: "axis", valueFormatter: percent },
        legend: { type: "scroll", bottom: 0 },
        grid: { left: 40, right: 20, top: 30, bottom: 60 },
        xAxis: { type: "category", data: data.trend.dates },
        yAxis: { type: "value", axisLabel: { formatter: "{value}%" }, max: function (v) { return Math.max(v.max, (data.target || 0) * 1.3); } },
        series: data.trend.series.map(function (series, i) {
          var line = { type: "line", name: series.name, data: series.data, connectNulls: true, showSymbol: series.data.length < 40 };
          if (i === 0) line.markLine = targetLine(data, data.target, false);
          return line;
        }),
      };
    },
    horizon: function (data) {
      var h = data.horizon;
      return {
        tooltip: { trigger: "axis", valueFormatter: percent },
        legend: { bottom: 0 },
        grid: { left: 40, right: 20, top: 30, bottom: 90 },
        xAxis: { type: "category", data: h.names, axisLabel: { rotate: 40, interval: 0 } },
        yAxis: { type: "value", axisLabel: { formatter: "{value}%" }, max: function (v) { return Math.max(v.max, (data.target || 0) * 1.3); } },
        series: h.series.map(function (series, i) {
          var bars = { type: "bar", name: series.name, data: series.data };
          if (i === 0) bars.markLine = targetLine(data, data.target, false);
          return bars;
        }),
      };
    },
    funnel: function (data) {
      return data.funnel.some(function (step) { return step.value; }) ? countBars(data.funnel) : null;
    },
    map: function (data) {
      var m = data.map;
      if (typeof echarts.getMap === "function" && !echarts.getMap(m.map)) return null;
      var target = data.target || 10;
      return {
        tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + percent(Array.isArray(p.value) ? p.value[2] : p.value); } },
        visualMap: {
          type: "piecewise", left: 0, bottom: 0, seriesIndex: [0, 1],
          pieces: [
            { lt: target / 2, color: "#f5c2c7", label: "< " + target / 2 + "%" },
            { gte: target / 2, lt: target, color: "#ea868f", label: target / 2 + "–" + target + "%" },
            { gte: target, lt: target * 1.5, color: "#75b798", label: data.text.target + " " + target + "%+" },
            { gte: target * 1.5, color: GOOD, label: "≥ " + target * 1.5 + "%" },
          ],
        },
        geo: {
          map: m.map, roam: false, top: 10, bottom: 10, itemStyle: { borderColor: "#fff" },
          label: { show: true, fontSize: 10 }, labelLayout: { hideOverlap: true },
        },
        series: [
          {
            type: "map", geoIndex: 0, name: data.text.share,
            data: m.regions.map(function (r) { return { name: r.name, value: r.value, url: r.url }; }),
          },
          {
            type: "scatter", coordinateSystem: "geo", name: data.text.share, symbol: "diamond", symbolSize: 16,
            itemStyle: { borderColor: "#212529", borderWidth: 1 },
            label: { show: true, formatter: "{b}", fontWeight: "bold", backgroundColor: "#fff", padding: 2 },
            data: m.zones.map(function (z) { return { name: z.name, value: z.value, url: z.url, label: { position: z.side } }; }),
          },
        ],
      };
    },
  };

  function optionFor(kind, data) {
    var match = /^breakdown-(\w+)$/.exec(kind);
    if (match) {
      var group = (data.breakdown || []).filter(function (g) { return g.kind === match[1]; })[0];
      return group && group.items.length > 1 ? countBars(group.items) : null;
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
      // A region or zone with an address (the map's districts) opens that district's dashboard.
      chart.on("click", function (params) {
        if (params.data && params.data.url) window.location.assign(params.data.url);
      });
      element.dataset.ready = "1";
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
