// Live parts of the node pages: "updated N s ago" labels and a guard on the
// parts htmx refreshes in place. Loaded after htmx, before the page's own script.
(function () {
  "use strict";

  // "5 sec. ago", "2 min. ago" in the page's language, worded by the browser.
  var relative = new Intl.RelativeTimeFormat(document.documentElement.lang || "en", {
    numeric: "auto",
    style: "short",
  });

  function format(seconds) {
    if (seconds < 90) return relative.format(-seconds, "second");
    return relative.format(-Math.round(seconds / 60), "minute");
  }

  // A label counts from the moment its content arrived in this browser, so a
  // clock difference with the server never shows "updated -3 s ago".
  function stamp(root) {
    root.querySelectorAll("[data-updated-ago]").forEach(function (label) {
      if (!label.dataset.loadedAt) label.dataset.loadedAt = String(Date.now());
    });
  }

  function tick() {
    document.querySelectorAll("[data-updated-ago]").forEach(function (label) {
      var since = Number(label.dataset.loadedAt || Date.now());
      label.textContent = format(Math.max(0, Math.round((Date.now() - since) / 1000)));
    });
  }

  window.spoguildLive = {
    // Marks every label in `root` as just updated.
    touch: function (root) {
      (root || document).querySelectorAll("[data-updated-ago]").forEach(function (label) {
        label.dataset.loadedAt = String(Date.now());
      });
      tick();
    },
  };

  document.addEventListener("DOMContentLoaded", function () {
    stamp(document);
    tick();
    setInterval(tick, 1000);
  });

  document.body.addEventListener("htmx:load", function (event) {
    stamp(event.target);
    tick();
  });

  // A failed poll keeps what is shown (its "updated" label keeps counting, so
  // the reader sees it is getting old). A poll answered by another page (the
  // sign-in page once the session ended) reloads, to show the real situation.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.xhr.status !== 200) {
      detail.shouldSwap = false;
      return;
    }
    var id = detail.target && detail.target.id;
    if (id && (detail.serverResponse || "").indexOf('id="' + id + '"') === -1) {
      detail.shouldSwap = false;
      window.location.reload();
    }
  });
})();
