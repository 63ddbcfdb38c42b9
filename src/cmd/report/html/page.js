"use strict";
document.querySelectorAll("section[data-table]").forEach(function (s) {
  var body = s.querySelector("tbody"), out = s.querySelector("output"), box = s.querySelector("input");
  var rows = Array.prototype.slice.call(body.rows);
  function shown() { out.value = rows.filter(function (r) { return !r.hidden; }).length; }
  box.addEventListener("input", function () {
    var q = box.value.trim().toLowerCase();
    rows.forEach(function (r) { r.hidden = q !== "" && r.textContent.toLowerCase().indexOf(q) < 0; });
    shown();
  });
  s.querySelectorAll("thead th").forEach(function (th, col) {
    th.querySelector("button").addEventListener("click", function () {
      var up = th.getAttribute("aria-sort") !== "ascending";
      s.querySelectorAll("thead th").forEach(function (o) { o.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var num = th.classList.contains("n");
      var key = function (r) { var c = r.cells[col].textContent; return num ? Number(c) : c.toLowerCase(); };
      rows.sort(function (a, b) { var x = key(a), y = key(b); var d = x < y ? -1 : x > y ? 1 : 0; return up ? d : -d; });
      var f = document.createDocumentFragment();
      rows.forEach(function (r) { f.appendChild(r); });
      body.appendChild(f);
    });
  });
  shown();
});
