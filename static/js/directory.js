// Mentor directory: keep shareable URLs short. Filters still work without this file (plain GET form).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
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
