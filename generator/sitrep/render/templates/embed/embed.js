/* Sitrep status banner for product pages. Include it where the banner should appear:
 *
 *   <script src="/*SITREP_SCRIPT_URL*/" data-components="/*SITREP_EXAMPLE_IDS*/" async></script>
 *
 * It reads /api/v2/summary.json from the status site (the server must allow
 * cross-origin GET: Access-Control-Allow-Origin, which GitHub Pages sends) and,
 * while an unresolved incident or a maintenance in progress affects one of the
 * chosen components (all when data-components is absent), shows one banner per
 * incident with its status, latest update and a link. No dependencies, no
 * cookies or storage, nothing at all when everything is operational.
 * Optional: data-target="#element-id" to put the banner inside that element.
 * Without JavaScript nothing shows; for those visitors add the status badge:
 *   <noscript><a href="/*SITREP_SITE_URL*/"><img src="/*SITREP_BADGE_URL*/" alt="Current status on our status page"></a></noscript>
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) { return; }
  // Component ids of mkdocs.yml -> ids in the Statuspage-compatible API (filled in by Sitrep).
  var IDS = /*SITREP_COMPONENT_IDS*/{};
  var LABELS = {investigating: "Investigating", identified: "Identified", monitoring: "Monitoring",
    in_progress: "Maintenance in progress", verifying: "Verifying maintenance"};
  // Statuspage's incident impacts (none, minor, major, critical) -> rank, higher is worse (filled in by Sitrep).
  var RANK = /*SITREP_IMPACT_RANK*/{};
  // Component statuses in the status page's words, worst first (filled in by Sitrep): a banner names the worst
  // status of the components it is about, so colour is not the only sign of it.
  var WORDS = /*SITREP_STATUS_WORDS*/{};
  var ORDER = Object.keys(WORDS);
  // Border and background per status, as the status page colours them; dark text on each (contrast 13:1 or more).
  var COLOURS = {major_outage: ["#c62828", "#ffebee"], partial_outage: ["#e65100", "#fff3e0"],
    degraded_performance: ["#f9a825", "#fffde7"], maintenance: ["#1565c0", "#e3f2fd"]};
  var chosen = (script.getAttribute("data-components") || "").split(",").map(function (s) {
    return s.trim();
  }).filter(Boolean).map(function (id) { return IDS[id] || id; });
  var target = script.getAttribute("data-target");
  var base = new URL(".", script.src);

  function affects(item) {
    if (!chosen.length) { return true; }
    return (item.components || []).some(function (c) { return chosen.indexOf(c.id) !== -1; });
  }

  // The site is rebuilt on a schedule, so summary.json can be older than the visitor's clock: a
  // maintenance still "scheduled" in it is under way from its window's start (the status page's own rule,
  // derive.status.maintenance_state), not from the next rebuild; one that is in progress stays so until an
  // update closes it.
  function underway(m) {
    if (m.status === "in_progress" || m.status === "verifying") { return true; }
    if (m.status !== "scheduled" || !m.scheduled_for) { return false; }
    var now = Date.now(), start = Date.parse(m.scheduled_for);
    var end = m.scheduled_until ? Date.parse(m.scheduled_until) : NaN;
    return start <= now && now < end;  // a window without an end, or past it, is not shown as under way
  }

  function banner(item, maintenance) {
    var update = (item.incident_updates || [])[0] || {};
    var box = document.createElement("div");
    box.className = "sitrep-banner" + (maintenance ? " sitrep-maintenance" : " sitrep-incident");
    box.setAttribute("role", "status");
    // This incident's own impact on each component: the newest status its updates gave it. The component's
    // status now is not used: another incident on the same component may be what makes it worse, and the
    // banner would then blame this one for it.
    var own = {};
    (item.incident_updates || []).forEach(function (u) {  // newest first
      (u.affected_components || []).forEach(function (a) {
        if (!Object.prototype.hasOwnProperty.call(own, a.code)) { own[a.code] = a.new_status; }
      });
    });
    // The worst of those among the components the banner is about, and every one at that status.
    var worst = null, names = [];
    (item.components || []).forEach(function (c) {
      var status = Object.prototype.hasOwnProperty.call(own, c.id) ? own[c.id] : c.status;
      if ((chosen.length && chosen.indexOf(c.id) === -1) || !WORDS[status]) { return; }
      if (!worst || ORDER.indexOf(status) < ORDER.indexOf(worst)) { worst = status; names = []; }
      if (status === worst) { names.push(c.name); }
    });
    var colour = COLOURS[maintenance ? "maintenance" : worst] || COLOURS.major_outage;
    box.style.cssText = "box-sizing:border-box;margin:0 0 .5em;padding:.6em 1em;border-left:.3em solid " +
      colour[0] + ";background:" + colour[1] +
      ";color:#1a1a1a;font:15px/1.4 system-ui,sans-serif;overflow-wrap:anywhere";  // a URL or long word breaks
    var head = document.createElement("strong");
    head.textContent = (LABELS[maintenance ? (item.status === "verifying" ? "verifying" : "in_progress")
      : item.status] || item.status) + ": " + item.name;
    box.appendChild(head);
    if (!maintenance && worst) {
      box.appendChild(document.createTextNode(" (" + names.join(", ") + ": " + WORDS[worst] + ")"));
    }
    if (update.body) {
      var text = document.createElement("span");
      var body = update.body.length > 200 ? update.body.slice(0, 199) + "\u2026" : update.body;
      text.textContent = " \u2014 " + body + " ";  // escapes: a page without a charset reads this file as Latin-1
      box.appendChild(text);
    }
    var link = document.createElement("a");
    link.href = item.shortlink || base.href;
    link.textContent = "Details";
    link.style.color = "inherit";
    box.appendChild(link);
    return box;
  }

  fetch(new URL("api/v2/summary.json", base).href, {credentials: "omit", cache: "no-cache"})
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (summary) {
      if (!summary) { return; }
      // The most severe first, as the status page lists them (the API lists them newest first).
      var items = (summary.incidents || []).filter(affects).map(function (i, k) { return [i, k]; })
        .sort(function (a, b) { return (RANK[b[0].impact] || 0) - (RANK[a[0].impact] || 0) || a[1] - b[1]; })
        .map(function (pair) { return banner(pair[0], false); });
      (summary.scheduled_maintenances || []).forEach(function (m) {
        if (underway(m) && affects(m)) { items.push(banner(m, true)); }
      });
      if (!items.length) { return; }
      var holder = document.createElement("div");
      holder.className = "sitrep-banners";
      items.forEach(function (b) { holder.appendChild(b); });
      var place = target && document.querySelector(target);
      if (place) { place.appendChild(holder); } else { script.parentNode.insertBefore(holder, script); }
    })
    .catch(function () { /* the status site is unreachable: show nothing rather than an error */ });
}());
