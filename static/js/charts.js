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

  function barChart(figure, rows, options) {
    var width = 640, barH = 16, gap = 4, labelW = 180;
    var shown = rows.slice(0, options.max || 40);
    var height = Math.max(1, shown.length) * (barH + gap) + 20;
    var top = shown.reduce(function (m, r) { return Math.max(m, r.value, r.capacity || 0); }, 1);
    var scale = (width - labelW - 40) / top;
    var svg = el("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": options.title });
    svg.appendChild(el("title", {}, options.title));
    shown.forEach(function (row, i) {
      var y = i * (barH + gap) + 10;
      svg.appendChild(el("text", { x: labelW - 6, y: y + barH - 4, "text-anchor": "end" }, row.label));
      var bar = el("rect", { x: labelW, y: y, width: Math.max(1, row.value * scale), height: barH,
                             "class": "bar" + (row.flagged ? " is-flagged" : "") });
      bar.appendChild(el("title", {}, row.label + ": " + row.value + (row.capacity ? " of " + row.capacity : "")));
      svg.appendChild(bar);
      if (row.capacity) {
        var x = labelW + row.capacity * scale;
        svg.appendChild(el("line", { x1: x, x2: x, y1: y - 1, y2: y + barH + 1, "class": "capacity" }));
      }
      svg.appendChild(el("text", { x: labelW + row.value * scale + 4, y: y + barH - 4 },
                         String(row.value) + (row.capacity ? "/" + row.capacity : "")));
    });
    figure.appendChild(svg);
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
