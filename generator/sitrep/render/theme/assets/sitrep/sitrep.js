/* Sitrep: progressive enhancement only; every page works without this file. */
(function () {
  "use strict";
  // Beside each UTC time, the reader's local time, but only where the two differ.
  var full, short;
  try {
    full = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
    short = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });
  } catch (e) { full = null; }
  if (full) {
    document.querySelectorAll(".sr-page time[datetime]").forEach(function (el) {
      var value = el.getAttribute("datetime");
      var d = new Date(value);
      if (value.length < 20 || isNaN(d.getTime()) || el.dataset.srLocal || d.getTimezoneOffset() === 0) { return; }
      el.dataset.srLocal = "1";
      var sameDay = d.getDate() === d.getUTCDate() && d.getMonth() === d.getUTCMonth();
      var span = document.createElement("span");
      span.className = "sr-local";
      span.textContent = " (" + (sameDay ? short : full).format(d) + " your time)";
      el.after(span);
    });
  }
  // Days of the uptime bars without incidents: focusable, with their date and figure like marked days.
  // The tooltip is made when a day is first hovered or focused, so a page of 800 days stays quick to load.
  var IMPACTS = { d: "Degraded performance", p: "Partial outage", m: "Major outage" };
  var dayFormat;
  try { dayFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }); } catch (e) { dayFormat = null; }
  function addTip(cell) {
    var bar = cell.parentNode;
    if (cell.firstChild || !bar.dataset.start) { return; }
    var i = Array.prototype.indexOf.call(bar.children, cell);
    var day = new Date(new Date(bar.dataset.start + "T00:00:00Z").getTime() + i * 86400000);
    var tip = document.createElement("span");
    tip.className = "sr-tip";
    tip.setAttribute("role", "tooltip");
    var date = document.createElement("b");
    date.textContent = dayFormat ? dayFormat.format(day) : day.toISOString().slice(0, 10);
    // Material's focus-visible polyfill adds classes of its own: look for ours only.
    var impact = ["d", "p", "m"].filter(function (c) { return cell.classList.contains(c); })[0];
    tip.append(date, impact ? " · " + IMPACTS[impact] + " · see the incident history"
                            : " · No incidents · 100.00% uptime");
    cell.append(tip);
  }
  document.querySelectorAll("ol.sr-bar[data-start] > li:empty").forEach(function (cell) { cell.tabIndex = 0; });
  ["mouseover", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var cell = event.target;
      if (cell.tagName === "LI" && cell.parentNode.matches("ol.sr-bar")) { addTip(cell); }
    });
  });
  // Filter the items listed on a page as you type.
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
