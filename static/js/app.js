// Small progressive enhancements. Pages work without this file; CSP forbids inline scripts, so all lives here.
(function () {
  "use strict";
  // Move focus to the first invalid field after a refused form submit, for keyboard and screen-reader users.
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector("[aria-invalid='true']");
    if (invalid) { invalid.focus(); }
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (event) {
        if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  });
})();
