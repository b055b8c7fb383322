// The pool card's chart: blocks made per epoch as bars, expected as a line,
// with a range switcher. The numbers are also in the table below the chart.
(function () {
  "use strict";

  var holder = document.querySelector("[data-blocks-chart]");
  var source = document.getElementById("blocks-chart-data");
  if (!holder || !source || typeof uPlot === "undefined") return;

  var all = JSON.parse(source.textContent);
  var switcher = document.querySelector("[data-chart-range]");
  var range = "20";
  var chart = null;

  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function slice(series) {
    if (range === "all") return series;
    return series.slice(-Number(range));
  }

  function data() {
    return [slice(all.epochs), slice(all.made), slice(all.expected)];
  }

  function wholeNumbers(u, values) {
    return values.map(function (v) { return Number.isInteger(v) ? String(v) : ""; });
  }

  function options() {
    var text = css("--muted");
    var grid = css("--border");
    var accent = css("--accent");
    return {
      width: holder.clientWidth,
      height: 260,
      scales: {
        x: {
          time: false,
          range: function (u, min, max) { return [min - 0.6, max + 0.6]; }
        },
        y: {
          range: function (u, min, max) { return [0, Math.max(1, Math.ceil((max || 0) * 1.15))]; }
        }
      },
      series: [
        { label: "Epoch", value: function (u, v) { return v == null ? "–" : String(v); } },
        {
          label: "Made",
          stroke: accent,
          fill: accent + "88",
          width: 1,
          paths: uPlot.paths.bars({ size: [0.7, 28] }),
          points: { show: false },
          value: function (u, v) { return v == null ? "no data" : String(v); }
        },
        {
          label: "Expected",
          stroke: css("--warn"),
          width: 2.5,
          spanGaps: false,
          points: { show: true, size: 5 },
          value: function (u, v) { return v == null ? "no data" : v.toFixed(2); }
        }
      ],
      axes: [
        { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, values: wholeNumbers, label: "Epoch", labelSize: 24 },
        { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, values: wholeNumbers, label: "Blocks", labelSize: 24 }
      ],
      cursor: { points: { size: 7 } },
      legend: { live: true },
      hooks: { setCursor: [showLatestWhenIdle] }
    };
  }

  // Without a hover, the read-out shows the newest epoch rather than dashes.
  function showLatestWhenIdle(u) {
    if (u.cursor.idx == null && u.data[0].length) {
      u.setLegend({ idx: u.data[0].length - 1 });
    }
  }

  function draw() {
    if (chart) chart.destroy();
    holder.textContent = "";
    chart = new uPlot(options(), data(), holder);
    showLatestWhenIdle(chart);
  }

  if (switcher) {
    switcher.hidden = false;
    switcher.addEventListener("click", function (event) {
      var button = event.target.closest("[data-range]");
      if (!button) return;
      range = button.dataset.range;
      switcher.querySelectorAll("[data-range]").forEach(function (other) {
        other.setAttribute("aria-pressed", String(other === button));
      });
      chart.setData(data());
      showLatestWhenIdle(chart);
    });
  }

  // Colours follow the theme, which the toggle or the system may change.
  new MutationObserver(draw).observe(document.documentElement, {
    attributes: true, attributeFilter: ["data-theme"]
  });
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", draw);
  window.addEventListener("resize", function () {
    if (chart) chart.setSize({ width: holder.clientWidth, height: 260 });
  });

  draw();
})();
