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

// A select with data-shows='{"choice": "field name", …}' shows only the field its choice needs (the meeting
// form: a place, a video link or a phone number). Without this file all of them stay visible.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-shows]").forEach(function (select) {
      var fields = JSON.parse(select.getAttribute("data-shows"));
      function wrapper(name) {
        var input = select.form && select.form.elements.namedItem(name);
        return input && input.closest ? input.closest(".field") : null;
      }
      function update() {
        Object.keys(fields).forEach(function (choice) {
          var box = wrapper(fields[choice]);
          if (box) { box.hidden = choice !== select.value; }
        });
      }
      select.addEventListener("change", update);
      update();
    });
  });
})();
