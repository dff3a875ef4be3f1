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
  // After "As of …", how old the page's facts are ("3 hours ago"), kept current while the page is open: a
  // static page cannot know what happened since it was built, but the reader can see it is not live.
  var ago = null;
  try { ago = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }); } catch (e) { ago = null; }
  var ages = Array.prototype.map.call(document.querySelectorAll(".sr-asof time[datetime]"), function (el) {
    var age = document.createElement("span");
    age.className = "sr-age";
    (el.nextElementSibling && el.nextElementSibling.matches(".sr-local") ? el.nextElementSibling : el).after(age);
    return { at: new Date(el.getAttribute("datetime")).getTime(), age: age };
  });
  function showAges() {
    ages.forEach(function (a) {
      var minutes = Math.floor((Date.now() - a.at) / 60000);
      var text = "";
      if (ago && !isNaN(minutes) && minutes >= 1) {  // a reader's clock behind the build's says nothing
        text = minutes < 60 ? ago.format(-minutes, "minute")
          : minutes < 2880 ? ago.format(-Math.floor(minutes / 60), "hour") : ago.format(-Math.floor(minutes / 1440), "day");
      }
      a.age.textContent = text ? " \u00b7 " + text : "";
    });
  }
  if (ages.length) { showAges(); setInterval(showAges, 60000); }
  // The uptime bars: each is one Tab stop; the arrow keys, Home and End move between its days (the
  // WAI-ARIA toolbar pattern's roving tabindex), and the focused day shows its tooltip, which is also
  // its accessible name. The build writes each bar as small as it can (a status page has up to 40): a
  // run of days alike is one cell of N days (style --k), split here into its days; a linked day is a
  // link named by its date, and the bar's data-u lists the incident count, uptime and the places of its
  // incidents' titles (in the page's #sr-titles) of each linked day in order; another day is a
  // coloured cell. What all bars share (their first day, a whole day's uptime) is on an ancestor. The
  // tooltips of linked days are made when the page loads, that of another day when it is first hovered
  // or focused.
  var IMPACTS = { o: "Operational", d: "Degraded performance", p: "Partial outage", m: "Major outage" };
  var titles = document.getElementById("sr-titles");
  titles = titles ? Array.prototype.map.call(titles.content.children, function (li) { return li.textContent; }) : [];
  var dayFormat;
  try { dayFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }); } catch (e) { dayFormat = null; }
  function impactOf(cell) {
    // Material's focus-visible polyfill adds classes of its own: look for ours only.
    return ["o", "d", "p", "m"].filter(function (c) { return cell.classList.contains(c); })[0];
  }
  function scopeOf(bar) { return bar.closest("[data-start]"); }
  // A run of N days becomes N cells of its class (the first keeps the class naming the width it starts).
  function splitRuns(bar) {
    bar.querySelectorAll(":scope > li[style]").forEach(function (run) {
      var days = parseInt(run.style.getPropertyValue("--k"), 10) || 1;
      run.removeAttribute("style");
      var cls = run.classList.contains("n") ? "n" : (impactOf(run) || "");
      var cells = [];
      for (var k = 1; k < days; k++) {
        var cell = document.createElement("li");
        if (cls) { cell.className = cls; }
        cells.push(cell);
      }
      run.after.apply(run, cells);
    });
  }
  // A linked day's tooltip: its date from the link, its figures ("2 72.33% 4.7": incidents, uptime,
  // titles' places) from the bar's list.
  function addLinkTip(link, figures) {
    var tip = document.createElement("span");
    tip.className = "sr-tip";
    tip.setAttribute("role", "tooltip");
    var date = document.createElement("b");
    date.textContent = link.textContent;
    link.textContent = "";
    var count = Number(figures[0]);
    tip.append(date, " · " + IMPACTS[impactOf(link.parentNode)] + " · " + count +
               (count === 1 ? " incident" : " incidents") + " · " + figures[1] + " uptime");
    var named = figures[2] ? figures[2].split(".") : [];
    named.forEach(function (k) { tip.append(document.createElement("br"), titles[Number(k)] || ""); });
    if (named.length && count > named.length) {
      tip.append(document.createElement("br"), "and " + (count - named.length) + " more");
    }
    link.append(tip);
  }
  function addTip(cell) {
    var bar = cell.parentNode;
    var scope = scopeOf(bar);
    if (cell.firstChild || !scope) { return; }
    var tip = document.createElement("span");
    tip.className = "sr-tip";
    tip.setAttribute("role", "tooltip");
    var date = document.createElement("b");
    var impact = impactOf(cell);
    var i = Array.prototype.indexOf.call(bar.children, cell);
    var day = new Date(new Date(scope.dataset.start + "T00:00:00Z").getTime() + i * 86400000);
    date.textContent = dayFormat ? dayFormat.format(day) : day.toISOString().slice(0, 10);
    tip.append(date, cell.classList.contains("n") ? " · No data"
      : impact ? " · " + IMPACTS[impact] + " · see the incident history"
      : " · No incidents · " + scope.dataset.fullDay + " uptime");
    cell.append(tip);
    cell.setAttribute("aria-label", tip.textContent);
  }
  function dayTarget(cell) { return cell.querySelector("a") || cell; }
  function isShown(cell) { return cell.getClientRects().length > 0; }
  function moveTo(bar, cell) {
    var current = bar.querySelector('[tabindex="0"]');
    var target = dayTarget(cell);
    if (target === cell) { addTip(cell); }
    if (current && current !== target) { current.tabIndex = -1; }
    target.tabIndex = 0;
    target.focus();
  }
  document.querySelectorAll("ol.sr-bar").forEach(function (bar) {
    if (!scopeOf(bar)) { return; }
    splitRuns(bar);
    var figures = (bar.dataset.u || "").split(",");
    bar.querySelectorAll("a").forEach(function (link, k) { link.tabIndex = -1; addLinkTip(link, (figures[k] || "").split(" ")); });
    var today = bar.lastElementChild;
    if (!today) { return; }
    if (dayTarget(today) === today) { addTip(today); }
    dayTarget(today).tabIndex = 0;
    bar.addEventListener("keydown", function (event) {
      var cell = event.target.closest("ol.sr-bar > li");
      if (!cell || event.altKey || event.ctrlKey || event.metaKey) { return; }
      var days = Array.prototype.filter.call(bar.children, isShown);
      var at = days.indexOf(cell);
      var next = { ArrowLeft: days[at - 1], ArrowUp: days[at - 1], ArrowRight: days[at + 1], ArrowDown: days[at + 1],
                   Home: days[0], End: days[days.length - 1] }[event.key];
      if (event.key in { ArrowLeft: 1, ArrowUp: 1, ArrowRight: 1, ArrowDown: 1, Home: 1, End: 1 }) {
        event.preventDefault();
        if (next) { moveTo(bar, next); }
      }
    });
    // A day hidden by a narrower screen cannot keep the bar's Tab stop: give it back to today.
    window.addEventListener("resize", function () {
      var current = bar.querySelector('[tabindex="0"]');
      var cell = current && current.closest("ol.sr-bar > li");
      if (cell && !isShown(cell)) { current.tabIndex = -1; dayTarget(today).tabIndex = 0; }
    });
  });
  document.addEventListener("mouseover", function (event) {
    var cell = event.target.closest && event.target.closest("ol.sr-bar > li");
    if (cell) { addTip(cell); }
  });
  // A link to a component in a folded group ("#component-db", from its history page) unfolds the group, as
  // browsers that reveal a fragment's target do themselves.
  function revealTarget() {
    var target = null;
    try { target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1))); } catch (e) { return; }
    var group = target && target.closest("details.sr-group");
    if (group && !group.open) { group.open = true; target.scrollIntoView(); }
  }
  revealTarget();
  window.addEventListener("hashchange", revealTarget);
  // Filter the history as you type: this page's records at once, then those of the list's other pages
  // (fetched once, when a visitor first types), each count said in a live region.
  var input = document.querySelector("[data-sr-filter]");
  var history = document.querySelector(".sr-history");
  if (input && history) {
    input.closest(".sr-js-only").hidden = false;
    var result = history.querySelector("[data-sr-filter-result]");
    var other = history.querySelector("[data-sr-other-matches]");
    var pages = (history.dataset.srPages || "").split(" ").filter(Boolean);
    var fetched = null;
    var announce = null;
    var matches = function (li, q) { return li.dataset.srText.toLowerCase().indexOf(q) !== -1; };
    var plural = function (n) { return n === 1 ? "1 record" : n + " records"; };
    var otherRows = function () {
      if (!fetched) {
        fetched = Promise.all(pages.map(function (url) {
          var absolute = new URL(url, document.baseURI).href;
          return fetch(absolute).then(function (r) { return r.ok ? r.text() : ""; }).then(function (text) {
            var doc = new DOMParser().parseFromString(text, "text/html");
            return Array.prototype.map.call(doc.querySelectorAll(".sr-hitem"), function (li) {
              li.querySelectorAll("a[href]").forEach(function (a) { a.href = new URL(a.getAttribute("href"), absolute).href; });
              return document.importNode(li, true);
            });
          });
        })).then(function (lists) { return [].concat.apply([], lists); }, function () { return null; });
      }
      return fetched;
    };
    var say = function (text) {
      clearTimeout(announce);  // one announcement once the visitor stops typing, not one per key
      announce = setTimeout(function () { result.textContent = text; }, 400);
    };
    var update = function () {
      var q = input.value.trim().toLowerCase();
      var here = 0;
      history.querySelectorAll(".sr-month .sr-hitem").forEach(function (li) {
        li.hidden = q !== "" && !matches(li, q);
        if (!li.hidden) { here += 1; }
      });
      history.querySelectorAll(".sr-month").forEach(function (m) {
        m.hidden = m.querySelectorAll(".sr-hitem:not([hidden])").length === 0;
      });
      other.hidden = true;
      if (q === "") { clearTimeout(announce); result.textContent = ""; return; }
      var quoted = "\u201c" + input.value.trim() + "\u201d";
      var onPage = here ? plural(here) + " on this page match " + quoted + "." : "No records on this page match " + quoted + ".";
      if (!pages.length) {
        say(here ? onPage : (document.querySelector(".sr-pager") ? onPage + " Older and newer records are on the other pages."
                                                                 : "No records match " + quoted + "."));
        return;
      }
      say(onPage + " Looking at the other pages\u2026");
      otherRows().then(function (rows) {
        if (input.value.trim().toLowerCase() !== q) { return; }
        if (rows === null) { say(onPage + " The other pages could not be loaded."); return; }
        var found = rows.filter(function (li) { return matches(li, q); });
        var list = other.querySelector("ul");
        list.replaceChildren.apply(list, found);
        other.hidden = found.length === 0;
        say(here + found.length === 0 ? "No records match " + quoted + "."
          : onPage + " " + (found.length ? plural(found.length) + " on other pages, listed below." : "None on other pages."));
      });
    };
    input.addEventListener("input", update);
  }
  // Filter the action items as you type (overdue ones and the full list); without JavaScript every item shows.
  var items = document.querySelector(".sr-pm-action-items");
  var itemInput = items && items.querySelector("[data-sr-filter]");
  if (itemInput) {
    itemInput.closest(".sr-js-only").hidden = false;
    var itemResult = items.querySelector("[data-sr-filter-result]");
    itemInput.addEventListener("input", function () {
      var q = itemInput.value.trim().toLowerCase();
      var shown = 0, rows = items.querySelectorAll("tr.sr-hitem");
      rows.forEach(function (tr) {
        tr.hidden = q !== "" && tr.dataset.srText.toLowerCase().indexOf(q) === -1;
        if (!tr.hidden) { shown += 1; }
      });
      itemResult.textContent = q === "" ? "" : shown + " of " + rows.length + " rows match \u201c" + itemInput.value.trim() + "\u201d.";
    });
  }
})();
