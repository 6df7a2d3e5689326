// Mentor directory: keep shareable URLs short. Filters still work without this file (plain GET form).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // On a phone the filters would push every mentor below the fold: fold them until asked for, unless in use.
    if (window.matchMedia("(max-width: 48rem)").matches) {
      document.querySelectorAll("details[data-collapse-on-phone]:not([data-filters-used])").forEach(function (d) {
        d.open = false;
      });
    }
    document.querySelectorAll("form[data-clean-query]").forEach(function (form) {
      form.addEventListener("submit", function () {
        // Leave unused filters out of the URL, so a shared or bookmarked link shows only what was chosen.
        form.querySelectorAll("input, select, textarea").forEach(function (field) {
          var empty = (field.type === "checkbox") ? !field.checked : field.value === "";
          if (field.name && empty) { field.disabled = true; }
        });
        // Re-enable after the browser has read the form, so the back button restores a usable form.
        window.setTimeout(function () {
          form.querySelectorAll("[disabled]").forEach(function (field) { field.disabled = false; });
        }, 0);
      });
    });
  });
})();
