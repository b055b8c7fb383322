// The pool directory: keeps the filter form in step with the address after
// htmx swaps the results, and gathers up to five pools for a comparison.
(function () {
  "use strict";

  var MAX = 5;
  var STORE = "spoguild.compare";
  var form = document.querySelector("[data-directory-form]");
  var results = document.getElementById("directory-results");
  var tray = document.querySelector("[data-compare-tray]");
  if (!form || !results || !tray) return;

  // A pool id names no network (the same one can be on mainnet and preprod),
  // so a pick is an id on a network, and the comparison names the network.
  var MAINNET = "mainnet";
  var chosen = load();
  var address = new URLSearchParams(location.search);
  var preset = address.get("compare");
  var presetNetwork = address.get("network") || MAINNET;
  if (preset && !find(preset, presetNetwork) && chosen.length < MAX) {
    chosen.push({ id: preset, network: presetNetwork, ticker: preset.slice(0, 12) + "…" });
    save();
  }

  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE) || "[]");
      return Array.isArray(saved) ? saved.slice(0, MAX) : [];
    } catch (e) {
      return [];
    }
  }

  function save() {
    try { sessionStorage.setItem(STORE, JSON.stringify(chosen)); } catch (e) { /* private mode */ }
  }

  function find(id, network) {
    return chosen.filter(function (pool) {
      return pool.id === id && (pool.network || MAINNET) === network;
    })[0];
  }

  function render() {
    var boxes = results.querySelectorAll("[data-compare-pick]");
    boxes.forEach(function (box) {
      box.checked = Boolean(find(box.value, box.dataset.network || MAINNET));
      box.disabled = !box.checked && chosen.length >= MAX;
    });
    tray.hidden = chosen.length === 0;
    tray.querySelector("[data-compare-count]").textContent = String(chosen.length);
    tray.querySelector("[data-compare-names]").textContent = chosen
      .map(function (pool) { return pool.ticker; }).join(", ");
    tray.querySelector("[data-compare-go]").disabled = chosen.length < 2;
  }

  results.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-compare-pick]")) return;
    var network = box.dataset.network || MAINNET;
    if (box.checked && !find(box.value, network) && chosen.length < MAX) {
      chosen.push({ id: box.value, network: network, ticker: box.dataset.ticker || box.value });
    } else if (!box.checked) {
      var pick = find(box.value, network);
      chosen = chosen.filter(function (pool) { return pool !== pick; });
    }
    save();
    render();
  });

  tray.addEventListener("submit", function (event) {
    event.preventDefault();
    var ids = chosen.map(function (pool) { return pool.id; }).join(",");
    // Picks from two networks are compared on the first one's, where the
    // page names the ids it does not have.
    var network = chosen[0].network || MAINNET;
    var query = "?ids=" + encodeURIComponent(ids);
    if (network !== MAINNET) query += "&network=" + encodeURIComponent(network);
    location.assign(tray.getAttribute("action") + query);
  });

  tray.querySelector("[data-compare-clear]").addEventListener("click", function () {
    chosen = [];
    save();
    render();
  });

  // Empty fields and drop-downs left at their first (default) choice stay out
  // of the request, so the address people share is short: /pools/?q=ze.
  form.addEventListener("htmx:configRequest", function (event) {
    var parameters = event.detail.parameters;
    Object.keys(parameters).forEach(function (name) {
      var field = form.elements[name];
      var isDefault = field && field.tagName === "SELECT" &&
        field.options[0].value === parameters[name];
      if (parameters[name] === "" || isDefault) delete parameters[name];
    });
  });

  // After a sort link or page link swapped the results, the form shows the
  // sort and filters of the new address, so typing next keeps them.
  function syncForm() {
    var params = new URLSearchParams(location.search);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "submit" || field === document.activeElement) return;
      field.value = params.get(field.name) || (field.tagName === "SELECT" ? field.options[0].value : "");
    });
  }

  // Screen readers hear the new count, not the whole table again.
  var status = document.querySelector("[data-results-status]");
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.target !== results) return;
    render();
    var count = results.querySelector(".results-count");
    if (status && count) status.textContent = count.textContent.replace(/\s+/g, " ").trim();
  });
  document.body.addEventListener("htmx:pushedIntoHistory", syncForm);
  document.body.addEventListener("htmx:historyRestore", function () {
    results = document.getElementById("directory-results");
    render();
  });

  // Wide screens have room for every filter: show them from the start.
  var filters = form.querySelector("[data-filters]");
  if (filters && window.matchMedia("(min-width: 641px)").matches) filters.open = true;

  render();
})();
