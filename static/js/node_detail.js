// The node page's charts: one time range for all of them, drawn with uPlot from
// the node's chart JSON, refreshed in place. Nulls in the data are outages and
// stay gaps. Each chart also gets a one-line text summary for screen readers.
(function () {
  "use strict";

  var section = document.getElementById("node-charts");
  if (!section || !window.uPlot) return;

  var POLL_MS = 30000;
  var HEIGHT = 150;
  var figures = Array.prototype.slice.call(section.querySelectorAll("figure[data-series]"));
  var buttons = Array.prototype.slice.call(section.querySelectorAll("button[data-range]"));
  var charts = new Map();
  var current = null;
  var range = initialRange();
  var loading = null;

  function initialRange() {
    var asked = new URLSearchParams(window.location.search).get("range");
    var known = buttons.map(function (b) { return b.dataset.range; });
    return known.indexOf(asked) !== -1 ? asked : section.dataset.range;
  }

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function number(value) {
    if (value == null) return "—";
    var digits = Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : 1;
    return value.toLocaleString(undefined, { maximumFractionDigits: digits });
  }

  function withUnit(value, unit) {
    if (value == null) return "—";
    return unit === "%" ? number(value) + " %" : number(value) + " " + unit;
  }

  function tzDate(seconds) {
    var zone = section.dataset.timeZone;
    var date = new Date(seconds * 1000);
    try {
      return zone ? uPlot.tzDate(date, zone) : date;
    } catch (error) {
      return date; // an unknown zone name: the browser's own
    }
  }

  function options(figure, width) {
    var keys = figure.dataset.series.split(",");
    var labels = figure.dataset.labels.split(",");
    var unit = figure.dataset.unit;
    var max = figure.dataset.max ? Number(figure.dataset.max) : null;
    var colours = [cssVar("--chart-1"), cssVar("--chart-2")];
    var axis = {
      stroke: cssVar("--muted"),
      grid: { stroke: cssVar("--border"), width: 1 },
      ticks: { stroke: cssVar("--border"), width: 1 },
    };
    var series = [{ value: "{YYYY}-{MM}-{DD} {HH}:{mm}" }];
    keys.forEach(function (key, index) {
      var line = {
        label: labels[index] || key,
        stroke: colours[index % colours.length],
        // Thousands of raw points in a few hundred pixels: a thin line reads.
        width: current && current.t.length > 1000 ? 1 : 1.5,
        spanGaps: false,
        points: { show: false },
        value: function (u, v) { return withUnit(v, unit); },
      };
      // A second series is dashed too, so the pair reads without colour.
      if (index === 1) line.dash = [5, 3];
      if (figure.hasAttribute("data-bars")) {
        line.paths = uPlot.paths.bars({ size: [0.8, 8] });
        line.fill = colours[0];
      }
      series.push(line);
    });
    return {
      width: width,
      height: HEIGHT,
      tzDate: tzDate,
      series: series,
      cursor: { sync: { key: "node-charts" }, points: { size: 6 } },
      legend: { live: true },
      scales: {
        x: {
          time: true,
          range: function () { return current ? [current.from, current.to] : [0, 1]; },
        },
        y: {
          range: function (u, low, high) {
            var top = max != null ? max : Math.max(1, (high || 0) * 1.15);
            return [0, top];
          },
        },
      },
      axes: [
        Object.assign({}, axis),
        Object.assign({}, axis, {
          size: 46,
          values: function (u, ticks) { return ticks.map(function (t) { return number(t); }); },
        }),
      ],
    };
  }

  function columns(figure, data) {
    var keys = figure.dataset.series.split(",");
    return [data.t].concat(keys.map(function (key) { return data.series[key] || []; }));
  }

  function stats(values) {
    var latest = null, low = null, high = null, total = 0;
    values.forEach(function (v) {
      if (v == null) return;
      latest = v;
      total += v;
      low = low == null || v < low ? v : low;
      high = high == null || v > high ? v : high;
    });
    return { latest: latest, min: low, max: high, total: total };
  }

  function summarise(figure, data) {
    var keys = figure.dataset.series.split(",");
    var labels = figure.dataset.labels.split(",");
    var unit = figure.dataset.unit;
    var rangeLabel = activeButton().dataset.label || range;
    var parts = keys.map(function (key, index) {
      var s = stats(data.series[key] || []);
      if (s.latest == null) return null;
      // Events (missed checks) read better as a count than as a level.
      if (figure.hasAttribute("data-total")) {
        return section.dataset.summaryTotal
          .replace("{total}", withUnit(s.total, unit))
          .replace("{range}", rangeLabel);
      }
      var text = section.dataset.summary
        .replace("{latest}", withUnit(s.latest, unit))
        .replace("{min}", withUnit(s.min, unit))
        .replace("{max}", withUnit(s.max, unit))
        .replace("{range}", rangeLabel);
      return keys.length > 1 ? labels[index] + ": " + text : text;
    }).filter(Boolean);
    var summary = figure.querySelector("[data-chart-summary]");
    var empty = figure.dataset.empty || section.dataset.noData;
    summary.textContent = parts.length ? parts.join(" ") : empty;
    figure.classList.toggle("is-empty", parts.length === 0);
  }

  function draw(data) {
    // A new range may change the line width and the scales: build afresh.
    if (current && current.range !== data.range) destroy();
    current = data;
    section.classList.remove("is-stale");
    figures.forEach(function (figure) {
      var plot = figure.querySelector("[data-plot]");
      var chart = charts.get(figure);
      if (chart) {
        chart.setData(columns(figure, data));
      } else {
        chart = new uPlot(options(figure, plot.clientWidth || 300), columns(figure, data), plot);
        charts.set(figure, chart);
      }
      summarise(figure, data);
    });
    var note = section.querySelector("[data-resolution]");
    var notes = { raw: "resRaw", "5m": "resMinutes", "1h": "resHours" };
    note.textContent = section.dataset[notes[data.resolution]] || "";
    var updated = section.querySelector("[data-charts-updated]");
    if (window.spoguildLive) window.spoguildLive.touch(updated.parentElement);
  }

  function load() {
    if (loading) loading.abort();
    var controller = new AbortController();
    loading = controller;
    section.setAttribute("aria-busy", "true");
    return fetch(section.dataset.url + "?range=" + encodeURIComponent(range), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller.signal,
    })
      .then(function (response) {
        // The sign-in page instead of JSON: the session ended.
        if (response.redirected || !response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(draw)
      .catch(function (error) {
        if (error.name !== "AbortError") section.classList.add("is-stale");
      })
      .finally(function () {
        if (loading === controller) loading = null;
        section.removeAttribute("aria-busy");
      });
  }

  function activeButton() {
    return buttons.filter(function (b) { return b.dataset.range === range; })[0] || buttons[0];
  }

  function choose(next) {
    range = next;
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.range === range));
    });
    var url = new URL(window.location.href);
    url.searchParams.set("range", range);
    window.history.replaceState(null, "", url);
    load();
  }

  function destroy() {
    charts.forEach(function (chart) { chart.destroy(); });
    charts.clear();
  }

  function rebuild() {
    destroy();
    if (current) draw(current);
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () { choose(button.dataset.range); });
  });

  // Charts follow their column's width without redrawing the data.
  var resize = new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var figure = entry.target.closest("figure");
      var chart = charts.get(figure);
      var width = Math.floor(entry.contentRect.width);
      if (chart && width > 0 && width !== chart.width) chart.setSize({ width: width, height: HEIGHT });
    });
  });
  figures.forEach(function (figure) { resize.observe(figure.querySelector("[data-plot]")); });

  // Colours come from the theme's CSS variables, so a theme switch redraws.
  new MutationObserver(rebuild).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ["data-theme"],
  });
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", rebuild);

  setInterval(function () {
    if (!document.hidden) load();
  }, POLL_MS);

  choose(range);
})();
