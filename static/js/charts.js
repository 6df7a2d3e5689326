/* Tiny SVG bar charts for the admin health page. Data comes from a <script type="application/json"> element
   (json_script: data, not code) named by the figure's data-source; nothing is loaded from elsewhere. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* The lines a label is shown on: whole, else over two lines at a space, the second cut with "…" if need be.
     `node` is a <text> already in the document, so the browser can measure it. */
  function fitLabel(node, full, maxW) {
    function fits(s) { node.textContent = s; return node.getComputedTextLength() <= maxW; }
    function cut(s) {
      var lo = 1, hi = s.length;
      while (lo < hi) {
        var mid = Math.ceil((lo + hi) / 2);
        if (fits(s.slice(0, mid).trimEnd() + "\u2026")) { lo = mid; } else { hi = mid - 1; }
      }
      return s.slice(0, lo).trimEnd() + "\u2026";
    }
    if (fits(full)) { return [full]; }
    var words = full.split(" "), first = [];
    while (words.length && fits(first.concat(words[0]).join(" "))) { first.push(words.shift()); }
    if (!first.length) { return [cut(full)]; }
    var rest = words.join(" ");
    return [first.join(" "), fits(rest) ? rest : cut(rest)];
  }

  function barChart(figure, rows, options) {
    // Drawn at the figure's own width (one unit a pixel), so the labels keep a readable size on a phone too.
    var width = Math.max(280, Math.min(640, Math.round(figure.clientWidth || 640)));
    var labelW = Math.round(Math.min(180, width * 0.4)), barH = 16, gap = 4, lineH = 11;
    var shown = rows.slice(0, options.max || 40);
    var top = shown.reduce(function (m, r) { return Math.max(m, r.value, r.capacity || 0); }, 1);
    var scale = (width - labelW - 40) / top;
    var svg = el("svg", { viewBox: "0 0 " + width + " 20", role: "img", "aria-label": options.title });
    svg.appendChild(el("title", {}, options.title));
    figure.appendChild(svg);
    var y = 10;
    shown.forEach(function (row) {
      var label = el("text", { x: labelW - 6, "text-anchor": "end", "class": "label" });
      svg.appendChild(label);
      var lines = fitLabel(label, row.label, labelW - 10);
      var rowH = Math.max(barH, lines.length * lineH + 2), barY = y + (rowH - barH) / 2;
      label.textContent = "";
      if (lines.length === 1) {
        label.setAttribute("y", barY + barH - 4);
        label.textContent = lines[0];
      } else {
        lines.forEach(function (line, i) {
          label.appendChild(el("tspan", { x: labelW - 6, y: y + lineH - 1 + i * lineH }, line));
        });
      }
      if (lines.join(" ") !== row.label) {  // shortened: the whole name on hover (and in the table below)
        label.appendChild(el("title", {}, row.label));
      }
      var bar = el("rect", { x: labelW, y: barY, width: Math.max(1, row.value * scale), height: barH,
                             "class": "bar" + (row.flagged ? " is-flagged" : "") });
      bar.appendChild(el("title", {}, row.label + ": " + row.value + (row.capacity ? " of " + row.capacity : "")));
      svg.appendChild(bar);
      if (row.capacity) {
        var x = labelW + row.capacity * scale;
        svg.appendChild(el("line", { x1: x, x2: x, y1: barY - 1, y2: barY + barH + 1, "class": "capacity" }));
      }
      svg.appendChild(el("text", { x: labelW + row.value * scale + 4, y: barY + barH - 4 },
                         String(row.value) + (row.capacity ? "/" + row.capacity : "")));
      y += rowH + gap;
    });
    svg.setAttribute("viewBox", "0 0 " + width + " " + (y + 6));
    if (rows.length > shown.length) {
      figure.appendChild(Object.assign(document.createElement("figcaption"),
        { textContent: "Showing the " + shown.length + " highest of " + rows.length + "; all are in the table." }));
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("figure[data-chart]").forEach(function (figure) {
      var source = document.getElementById(figure.getAttribute("data-source"));
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var kind = figure.getAttribute("data-chart");
      var titles = { load: "Mentees per mentor against capacity", sessions: "Sessions logged per month" };
      barChart(figure, data[kind] || [], { title: titles[kind] || kind, max: 40 });
    });
  });
})();
