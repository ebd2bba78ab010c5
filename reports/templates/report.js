// derbes report: paging, sorting and filtering of the inventory tables.
// Every row is already in the HTML (the page reads and prints without this script); the
// script only hides, shows and reorders rows, and writes page numbers with textContent.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("derbes-data").textContent);
  var lang = document.documentElement.lang || "ru";
  var collator = new Intl.Collator(lang, { numeric: true, sensitivity: "base" });
  var numberFmt = new Intl.NumberFormat(lang === "en" ? "en" : "ru");
  var L = data.labels;

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return String(values[k]); });
  }

  function setup(root) {
    var tbody = root.querySelector("tbody");
    var toolbar = root.querySelector(".toolbar");
    var input = root.querySelector("input.filter");
    var range = root.querySelector(".range");
    var prev = root.querySelector("button.prev");
    var next = root.querySelector("button.next");
    var noRows = root.querySelector(".no-rows");
    var headers = Array.prototype.slice.call(root.querySelectorAll("th[data-col]"));
    var size = Number(root.getAttribute("data-page-size")) || data.pageSize;
    var all = Array.prototype.map.call(tbody.rows, function (tr, i) {
      return { tr: tr, i: i, hay: tr.textContent.toLowerCase() };
    });
    var view = all.slice();
    var page = 0;
    var sortCol = -1;
    var sortDir = 1;
    // A short table needs no paging or filter.
    toolbar.hidden = all.length <= 10;

    function key(row, col) {
      var td = row.tr.cells[col];
      var v = td.getAttribute("data-v");
      return v === null ? td.textContent : Number(v);
    }

    function compare(a, b) {
      var x = key(a, sortCol);
      var y = key(b, sortCol);
      var c = typeof x === "number" ? x - y : collator.compare(x, y);
      return c * sortDir || a.i - b.i;
    }

    var onPage = [];

    function draw() {
      var pages = Math.max(1, Math.ceil(view.length / size));
      page = Math.min(page, pages - 1);
      var start = page * size;
      var end = Math.min(view.length, start + size);
      onPage.forEach(function (row) { row.tr.hidden = true; });
      // The page's rows go to the top of the table in the view's order; the others stay
      // where they are, hidden (a printout still shows every row).
      onPage = view.slice(start, end);
      var frag = document.createDocumentFragment();
      onPage.forEach(function (row) { row.tr.hidden = false; frag.appendChild(row.tr); });
      tbody.insertBefore(frag, tbody.firstChild);
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
        var numeric = th.getAttribute("data-type") === "num";
        if (col === sortCol) { sortDir = -sortDir; } else { sortCol = col; sortDir = numeric ? -1 : 1; }
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
    // The page came with the first rows shown and the rest hidden.
    onPage = all.filter(function (row) { return !row.tr.hidden; });
    draw();
  }

  Array.prototype.forEach.call(document.querySelectorAll(".inventory"), setup);
})();
