// Behaviour shared by every page. No inline scripts: the CSP allows only ours.
(function () {
  function currentTheme() {
    var set = document.documentElement.dataset.theme;
    if (set) return set;
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  document.querySelectorAll("[data-theme-toggle]").forEach(function (button) {
    button.setAttribute("aria-pressed", String(currentTheme() === "dark"));
    button.addEventListener("click", function () {
      var next = currentTheme() === "dark" ? "light" : "dark";
      document.documentElement.dataset.theme = next;
      button.setAttribute("aria-pressed", String(next === "dark"));
      try { localStorage.setItem("theme", next); } catch (e) { /* private mode */ }
    });
  });

  // The organization switcher posts to the chosen organization's switch URL.
  document.querySelectorAll("[data-org-switcher]").forEach(function (form) {
    var select = form.querySelector("select");
    form.action = select.value;
    select.addEventListener("change", function () {
      form.action = select.value;
      form.submit();
    });
  });

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.querySelector(button.dataset.copy);
      if (!source || !navigator.clipboard) return;
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        var label = button.textContent;
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
  });
})();
