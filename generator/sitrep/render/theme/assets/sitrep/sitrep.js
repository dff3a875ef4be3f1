/* Sitrep: progressive enhancement only; every page works without this file. */
(function () {
  "use strict";
  // Show the reader's local time beside each UTC time.
  var fmt;
  try { fmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }); } catch (e) { fmt = null; }
  if (fmt) {
    document.querySelectorAll(".sr-page time[datetime]").forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (isNaN(d.getTime()) || el.dataset.srLocal) { return; }
      el.dataset.srLocal = "1";
      var span = document.createElement("span");
      span.className = "sr-local";
      span.textContent = " (" + fmt.format(d) + " your time)";
      el.after(span);
    });
  }
  // Give unmarked days of the uptime bars a hover title with their date.
  document.querySelectorAll("ol.sr-bar[data-start]").forEach(function (bar) {
    var start = new Date(bar.dataset.start + "T00:00:00Z");
    Array.prototype.forEach.call(bar.children, function (cell, i) {
      if (cell.querySelector("a")) { return; }
      var day = new Date(start.getTime() + i * 86400000).toISOString().slice(0, 10);
      cell.title = day + ": no incidents";
    });
  });
  // Filter the incidents listed on a history page as you type.
  var input = document.querySelector("[data-sr-filter]");
  if (input) {
    input.closest(".sr-js-only").hidden = false;
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      document.querySelectorAll(".sr-hitem").forEach(function (li) {
        li.hidden = q !== "" && li.dataset.srText.toLowerCase().indexOf(q) === -1;
      });
      document.querySelectorAll(".sr-month").forEach(function (m) {
        m.hidden = m.querySelectorAll(".sr-hitem:not([hidden])").length === 0;
      });
    });
  }
})();
