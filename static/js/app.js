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

// A multiple select with data-toggle-options: a plain click chooses or unchooses one option (no Ctrl/Cmd to hold,
// which people new to multi-selects do not know), and a line under it names what is chosen. Keyboard selection
// is the browser's own. Without this file the select works as browsers make it.
(function () {
  "use strict";
  function summarise(select, line) {
    var chosen = Array.prototype.filter.call(select.options, function (o) { return o.selected; });
    line.textContent = chosen.length
      ? "Chosen: " + chosen.map(function (o) { return o.textContent.trim(); }).join(", ")
      : "Nothing chosen yet.";
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[multiple][data-toggle-options]").forEach(function (select) {
      var line = document.createElement("p");
      line.className = "helptext chosen-options";
      line.setAttribute("aria-live", "polite");
      select.insertAdjacentElement("afterend", line);
      summarise(select, line);
      select.addEventListener("mousedown", function (event) {
        var option = event.target;
        if (option.tagName !== "OPTION" || option.disabled) { return; }
        event.preventDefault();
        var top = select.scrollTop;
        option.selected = !option.selected;
        select.focus();
        select.scrollTop = top;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      });
      select.addEventListener("change", function () { summarise(select, line); });
    });
  });
})();

// A first profile's time zone select (data-guess-zone): start from the zone the browser reports instead of the
// server's default, when the list has it. The person still sees and can change it before saving.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector("select[data-guess-zone]");
    var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!select || !zone) { return; }
    // Some browsers still report a zone by its old name: save the name everyone else in the list uses.
    var current = {
      "Asia/Calcutta": "Asia/Kolkata", "Asia/Saigon": "Asia/Ho_Chi_Minh", "Asia/Katmandu": "Asia/Kathmandu",
      "Asia/Rangoon": "Asia/Yangon", "Europe/Kiev": "Europe/Kyiv", "America/Buenos_Aires":
      "America/Argentina/Buenos_Aires", "Atlantic/Faeroe": "Atlantic/Faroe", "Pacific/Truk": "Pacific/Chuuk"
    };
    zone = current[zone] || zone;
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
    if (known) { select.value = zone; }
  });
})();
