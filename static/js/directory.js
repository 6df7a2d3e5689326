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
    // After "Show mentors" or another page of results, start where the results are: their heading ("12 mentors")
    // is read out and Tab goes on to the first mentor, instead of the menu and every filter again.
    var AT_RESULTS = "mentors-directory-at-results";
    function remember() { try { window.sessionStorage.setItem(AT_RESULTS, "1"); } catch (e) { /* storage off */ } }
    var wanted = false;
    try { wanted = window.sessionStorage.getItem(AT_RESULTS) === "1"; window.sessionStorage.removeItem(AT_RESULTS); }
    catch (e) { wanted = false; }
    var heading = document.getElementById("results-heading");
    if (wanted && heading && (!document.activeElement || document.activeElement === document.body)) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
    document.querySelectorAll(".pagination a").forEach(function (link) { link.addEventListener("click", remember); });
    document.querySelectorAll("form[data-clean-query]").forEach(function (form) {
      form.addEventListener("submit", function () {
        remember();
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
