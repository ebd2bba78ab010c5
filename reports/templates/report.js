// derbes report: paging, sorting and filtering of the inventory tables.
// Data comes from the JSON block and is written with textContent only, never as markup.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("derbes-data").textContent);
  var lang = document.documentElement.lang || "ru";
  var collator = new Intl.Collator(lang, { numeric: true, sensitivity: "base" });
  var numberFmt = new Intl.NumberFormat(lang);
  var pctFmt = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 1 });
  var L = data.labels;
  var NUMERIC = { 4: true, 5: true, 6: true };
  // Shown inside other cells to keep the table narrow: entity under the category,
  // the detection method as the confidence's tooltip.
  var FOLDED = { 2: true, 9: true };

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return String(values[k]); });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function cell(col, value, row) {
    var td = el("td");
    if (col === 4) {
      td.className = "num";
      td.textContent = numberFmt.format(value);
    } else if (col === 5) {
      td.className = "num share";
      var bar = el("span", "bar");
      var fill = el("span", "fill");
      fill.style.width = Math.max(0, Math.min(100, value * 100)).toFixed(1) + "%";
      bar.appendChild(fill);
      td.appendChild(el("span", "pct", pctFmt.format(value)));
      td.appendChild(bar);
    } else if (col === 6) {
      td.className = "num";
      var level = value >= 0.85 ? "hi" : value >= 0.5 ? "mid" : "lo";
      var conf = el("span", "conf conf-" + level, value.toFixed(2));
      conf.title = row[9];
      td.appendChild(conf);
    } else if (col === 8) {
      String(value).split(" ").forEach(function (flag) {
        // A zero-width space after each underscore lets long flag codes wrap.
        if (flag) { td.appendChild(el("span", "chip chip-bad", flag.replace(/_/g, "_\u200b"))); }
      });
    } else if (col === 3) {
      td.className = "cat";
      td.appendChild(el("div", "", value));
      td.appendChild(el("div", "entity", row[2]));
    } else if (col === 0 || col === 1 || col === 7 || col === 10) {
      td.className = "mono";
      td.textContent = value === "" && col === 1 ? "—" : value;
    } else {
      td.textContent = value;
    }
    return td;
  }

  function setup(table) {
    var root = document.getElementById(table.id);
    if (!root) { return; }
    var tbody = root.querySelector("tbody");
    var input = root.querySelector("input.filter");
    var range = root.querySelector(".range");
    var prev = root.querySelector("button.prev");
    var next = root.querySelector("button.next");
    var noRows = root.querySelector(".no-rows");
    var headers = Array.prototype.slice.call(root.querySelectorAll("th[data-col]"));
    var size = data.pageSize;
    var all = table.rows.map(function (r) {
      return { r: r, hay: r.join("\u0001").toLowerCase() };
    });
    var view = all;
    var page = 0;
    var sortCol = -1;
    var sortDir = 1;

    function compare(a, b) {
      var x = a.r[sortCol];
      var y = b.r[sortCol];
      var c = NUMERIC[sortCol] ? x - y : collator.compare(String(x), String(y));
      return c * sortDir;
    }

    function draw() {
      var pages = Math.max(1, Math.ceil(view.length / size));
      page = Math.min(page, pages - 1);
      var start = page * size;
      var end = Math.min(view.length, start + size);
      var frag = document.createDocumentFragment();
      for (var i = start; i < end; i++) {
        var tr = el("tr");
        var row = view[i].r;
        for (var c = 0; c < row.length; c++) {
          if (!FOLDED[c]) { tr.appendChild(cell(c, row[c], row)); }
        }
        frag.appendChild(tr);
      }
      tbody.replaceChildren(frag);
      range.textContent = view.length
        ? fmt(L.range, { a: numberFmt.format(start + 1), b: numberFmt.format(end),
                         n: numberFmt.format(view.length) })
        : "";
      noRows.hidden = view.length > 0;
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }

    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      view = words.length
        ? all.filter(function (x) {
            return words.every(function (w) { return x.hay.indexOf(w) >= 0; });
          })
        : all.slice();
      if (sortCol >= 0) { view.sort(compare); }
      page = 0;
      draw();
    }

    headers.forEach(function (th) {
      th.tabIndex = 0;
      function sortBy() {
        var col = Number(th.getAttribute("data-col"));
        if (col === sortCol) { sortDir = -sortDir; } else { sortCol = col; sortDir = NUMERIC[col] ? -1 : 1; }
        headers.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
        view.sort(compare);
        page = 0;
        draw();
      }
      th.addEventListener("click", sortBy);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(); }
      });
    });
    input.addEventListener("input", apply);
    prev.addEventListener("click", function () { page -= 1; draw(); });
    next.addEventListener("click", function () { page += 1; draw(); });
    draw();
  }

  data.tables.forEach(setup);
})();
