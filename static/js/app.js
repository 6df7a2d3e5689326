// Small progressive enhancements. Pages work without this file; CSP forbids inline scripts, so all lives here.

// A select with data-shows='{"choice": "field name", …}' shows only the field its choice needs (the meeting
// form: a place, a video link or a phone number). Without this file all of them stay visible. A field holding an
// error stays shown whatever is chosen: hidden, its error was the only one on the page, and nobody could see or reach
// it. (It runs before the focus below, so the focus goes to a field that stays shown.)
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
          if (box) { box.hidden = choice !== select.value && !box.querySelector("[aria-invalid='true']"); }
        });
      }
      select.addEventListener("change", update);
      update();
    });
  });
})();

(function () {
  "use strict";
  // Move focus to the first invalid field after a refused form submit, for keyboard and screen-reader users; a
  // refusal about no single field (shown above the form) takes the focus itself, so it is read out, and Tab goes
  // on into the form. Only a field the page shows can take the focus: one in a hidden box would leave it on <body>.
  function shown(el) { return el.getClientRects().length > 0; }
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = Array.prototype.filter.call(document.querySelectorAll("[aria-invalid='true']"), shown)[0] ||
      document.querySelector("form .errorlist[role='alert'], .request-refused[role='alert']");
    if (invalid) {
      if (!invalid.matches("input, select, textarea, button")) { invalid.setAttribute("tabindex", "-1"); }
      invalid.focus();
    } else {
      // A confirmation after a redirect ("Your request … was sent") is read first, where the focus lands, as
      // GOV.UK's notification banners do: a live region already in the page when it loads is never announced.
      var status = document.querySelector("main .messages");
      if (status && (!document.activeElement || document.activeElement === document.body)) {
        status.setAttribute("tabindex", "-1");
        status.focus();
      }
    }
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (event) {
        if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  });
})();

// A multiple select with data-toggle-options: a plain click chooses or unchooses one option (no Ctrl/Cmd to hold,
// which people new to multi-selects do not know), and a line under it names what is chosen. The keyboard works the
// same way: arrows (and Home, End, typing a name) move a marked cursor without touching what is chosen, Space
// chooses or unchooses the marked one. The browser's own arrow keys replaced every choice with the next option,
// so a keyboard user who arrowed past "Cardiology" lost it. Without this file the select works as browsers make it.
(function () {
  "use strict";
  function summarise(select, line) {
    var chosen = Array.prototype.filter.call(select.options, function (o) { return o.selected; });
    line.textContent = chosen.length
      ? "Chosen: " + chosen.map(function (o) { return o.textContent.trim(); }).join(", ")
      : "Nothing chosen yet.";
  }
  function enable(select) {
    var line = document.createElement("p");
    line.className = "helptext chosen-options";
    line.setAttribute("aria-live", "polite");
    select.insertAdjacentElement("afterend", line);
    var spoken = document.createElement("span");  // what the cursor is on, for screen readers
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    line.insertAdjacentElement("afterend", spoken);
    summarise(select, line);
    var cursor = null;
    var typed = "";
    var typedAt = 0;
    function options() {
      return Array.prototype.filter.call(select.options, function (o) { return !o.disabled; });
    }
    function say(option) {
      spoken.textContent = option.textContent.trim() + (option.selected ? ": chosen" : ": not chosen") +
        ". Space to " + (option.selected ? "unchoose." : "choose.");
    }
    function moveTo(option) {
      if (cursor) { cursor.classList.remove("option-cursor"); }
      cursor = option;
      option.classList.add("option-cursor");
      var top = option.offsetTop - select.offsetTop;  // keep the marked option in the list's visible part
      if (top < select.scrollTop) { select.scrollTop = top; }
      else if (top + option.offsetHeight > select.scrollTop + select.clientHeight) {
        select.scrollTop = top + option.offsetHeight - select.clientHeight;
      }
      say(option);
    }
    function toggle(option) {
      var top = select.scrollTop;
      option.selected = !option.selected;
      select.scrollTop = top;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    select.addEventListener("mousedown", function (event) {
      var option = event.target;
      if (option.tagName !== "OPTION" || option.disabled) { return; }
      event.preventDefault();
      toggle(option);
      select.focus();
      moveTo(option);
    });
    select.addEventListener("focus", function () {
      if (!cursor) {
        var list = options();
        var first = list.filter(function (o) { return o.selected; })[0] || list[0];
        if (first) { moveTo(first); }
      }
    });
    select.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      var list = options();
      if (!list.length) { return; }
      var at = list.indexOf(cursor);
      var next = null;
      if (event.key === "ArrowDown") { next = list[Math.min(list.length - 1, at + 1)]; }
      else if (event.key === "ArrowUp") { next = list[Math.max(0, at - 1)]; }
      else if (event.key === "Home") { next = list[0]; }
      else if (event.key === "End") { next = list[list.length - 1]; }
      else if (event.key === " ") {
        event.preventDefault();
        if (cursor) { toggle(cursor); say(cursor); }
        return;
      } else if (event.key.length === 1) {
        var now = Date.now();
        typed = (now - typedAt > 800 ? "" : typed) + event.key.toLowerCase();
        typedAt = now;
        var from = list.slice(at + (typed.length === 1 ? 1 : 0)).concat(list);
        next = from.filter(function (o) { return o.textContent.trim().toLowerCase().indexOf(typed) === 0; })[0] || null;
        if (!next) { event.preventDefault(); return; }
      } else {
        return;  // Tab and the rest keep their usual meaning
      }
      event.preventDefault();
      moveTo(next);
    });
    select.addEventListener("change", function () { summarise(select, line); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[multiple][data-toggle-options]").forEach(enable);
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
