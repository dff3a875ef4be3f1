"""Statuspage and cState histories for the import tests, written from the documented schemas.

Statuspage (Manage API ``GET /v1/pages/{page_id}/incidents`` and the public API's
``/api/v2/incidents.json``): incident objects with ``id, name, status, impact,
created_at, started_at, updated_at, resolved_at, monitoring_at, scheduled_for,
scheduled_until, shortlink, postmortem_body, postmortem_published_at, components[],
incident_updates[{id, status, body, created_at, display_at, affected_components[{code,
name, old_status, new_status}]}]``. cState: ``content/issues/*.md`` pages with Hugo front
matter ``title, date, resolved, resolvedWhen, severity, affected, section`` and tracked
updates in the body.

Deterministic (seeded): the same history every run. What it holds, for the tests to
check against:

* ``n`` records, every tenth a scheduled maintenance, every fifteenth incident with a
  postmortem (every fourth incident with one in our section layout, the rest free text);
* every seventh incident escalates mid-way (partial -> major outage, a second component
  joining) and de-escalates before resolution: multi-component updates;
* the Publishing API is called "API" in the first half of the history and "Publishing
  API" after (same Statuspage id): a rename; the CDN matches no configured name;
* timestamps with offsets other than UTC (-04:00, +05:30);
* :data:`IMPOSSIBLE` records: one resolved before it started, one without any time.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

COMPONENTS = {  # Statuspage id -> names over time
    "k2s9api00001": ["API", "Publishing API"],
    "k2s9web00001": ["Web app"],
    "k2s9db000001": ["Database"],
    "k2s9cdn00001": ["CDN"],
}
#: mkdocs.yml components of the portal the history is imported into (the CDN is "Media CDN" there).
PORTAL_COMPONENTS = (("publishing-api", "Publishing API"), ("web-app", "Web app"), ("database", "Database"),
                     ("media", "Media CDN"))
IMPOSSIBLE = ("sp-impossible-order", "sp-impossible-untimed")
OFFSETS = (UTC, timezone(timedelta(hours=-4)), timezone(timedelta(hours=5, minutes=30)))
START = datetime(2023, 1, 2, 9, 0, tzinfo=UTC)

SECTIONED_POSTMORTEM = """\
## Summary
A bad release made {name} fail for some customers.

## Impact
Customers saw errors for {minutes} minutes.

## Timeline
- {start} Impact began.

## Root Cause
A configuration change.

## Resolution
We rolled the change back.

## Action Items
- [ ] Add a canary for configuration changes - Platform team - 2026-01-31

## Lessons Learned
Canary everything.
"""


def _iso(moment: datetime, offset: timezone) -> str:
    return moment.astimezone(offset).isoformat(timespec="milliseconds")


def _name(code: str, moment: datetime, half: datetime) -> str:
    names = COMPONENTS[code]
    return names[-1] if moment >= half or len(names) == 1 else names[0]


def statuspage_history(n: int = 300, seed: int = 14) -> list[dict[str, Any]]:
    """``n`` Statuspage incident objects, oldest first, plus the impossible ones."""
    rng = random.Random(seed)
    half = START + timedelta(days=1.5 * n)
    out = []
    for i in range(n):
        start = START + timedelta(days=3 * i, minutes=rng.randrange(0, 600))
        offset = OFFSETS[i % len(OFFSETS)]
        codes = sorted(rng.sample(sorted(COMPONENTS), rng.choice((1, 1, 2))))
        if i % 10 == 9:
            out.append(_maintenance(i, start, codes, offset, half))
            continue
        impact = rng.choice(("critical", "major", "major", "minor", "none"))
        status = {"critical": "major_outage", "major": "partial_outage"}.get(impact, "degraded_performance")
        escalates = i % 7 == 3

        def comps(at: datetime, pairs: list[tuple[str, str, str]]) -> list[dict[str, str]]:
            return [{"code": c, "name": _name(c, at, half), "old_status": old, "new_status": new}
                    for c, old, new in pairs]

        times = [start + timedelta(minutes=m) for m in (5, 25, 50, 80)]
        if escalates:
            status = "partial_outage"
        updates = [{"status": "investigating", "body": f"We are investigating problems with incident {i}.",
                    "at": times[0], "affected": comps(times[0], [(c, "operational", status) for c in codes])}]
        current = dict.fromkeys(codes, status)
        if escalates:
            joined = next(c for c in sorted(COMPONENTS) if c not in codes)
            pairs = [(codes[0], status, "major_outage"), (joined, "operational", "degraded_performance")]
            updates.append({"status": "identified", "body": "It is worse than we thought: escalating.",
                            "at": times[1], "affected": comps(times[1], pairs)})
            current.update({codes[0]: "major_outage", joined: "degraded_performance"})
            pairs = [(codes[0], "major_outage", "partial_outage"), (joined, "degraded_performance", "operational")]
            updates.append({"status": "monitoring", "body": "A fix is out; most requests succeed again.",
                            "at": times[2], "affected": comps(times[2], pairs)})
            current.update({codes[0]: "partial_outage", joined: "operational"})
        else:
            updates.append({"status": "monitoring", "body": "A fix has been deployed; we are monitoring.\n\n"
                            "Second paragraph: details.", "at": times[2], "affected": []})
        updates.append({"status": "resolved", "body": "This incident has been resolved.", "at": times[3],
                        "affected": comps(times[3], [(c, s, "operational") for c, s in current.items()
                                                     if s != "operational"])})
        obj = _incident_object(f"sp-inc-{i:04d}", f"Incident {i}: errors on {_name(codes[0], start, half)}",
                               impact, start, times[3], codes, updates, offset, half, status="resolved")
        if i % 15 == 4:
            body = (SECTIONED_POSTMORTEM.format(name=obj["name"], minutes=80, start=start.isoformat())
                    if i % 60 == 4 else "We had an outage. Sorry. We fixed the config and added alerts.")
            obj.update(status="postmortem", postmortem_body=body,
                       postmortem_published_at=_iso(times[3] + timedelta(days=3), offset))
        out.append(obj)
    out += _impossible(half)
    return out


def _incident_object(id_: str, name: str, impact: str, start: datetime, end: datetime | None, codes: list[str],
                     updates: list[dict[str, Any]], offset: timezone, half: datetime, status: str,
                     **extra: Any) -> dict[str, Any]:
    return {
        "id": id_, "name": name, "status": status, "impact": impact,
        "created_at": _iso(start, offset), "started_at": _iso(start, offset),
        "updated_at": _iso(end or start, offset), "resolved_at": _iso(end, offset) if end else None,
        "monitoring_at": None, "scheduled_for": None, "scheduled_until": None,
        "shortlink": f"https://stspg.io/{id_}", "postmortem_body": None, "postmortem_published_at": None,
        "page_id": "pg0000000001",
        "components": [{"id": c, "name": _name(c, start, half), "status": "operational"} for c in codes],
        "incident_updates": [
            {"id": f"{id_}-u{n}", "status": u["status"], "body": u["body"], "incident_id": id_,
             "created_at": _iso(u["at"], offset), "display_at": _iso(u["at"], offset),
             "affected_components": u["affected"] or None}
            for n, u in reversed(list(enumerate(updates)))],  # Statuspage lists newest first
        **extra,
    }


def _maintenance(i: int, start: datetime, codes: list[str], offset: timezone, half: datetime) -> dict[str, Any]:
    window = start.replace(hour=2, minute=0) + timedelta(days=1)
    updates = [
        {"status": "scheduled", "body": "We will upgrade the database cluster.", "at": start, "affected": []},
        {"status": "in_progress", "body": "The maintenance is in progress.", "at": window, "affected": []},
        {"status": "completed", "body": "The maintenance is complete.", "at": window + timedelta(hours=1),
         "affected": []},
    ]
    return _incident_object(f"sp-mnt-{i:04d}", f"Scheduled maintenance {i}", "maintenance", start,
                            window + timedelta(hours=1), codes, updates, offset, half, status="completed",
                            ) | {"scheduled_for": _iso(window, offset),
                                 "scheduled_until": _iso(window + timedelta(hours=2), offset)}


def _impossible(half: datetime) -> list[dict[str, Any]]:
    start = START + timedelta(days=5, hours=3)
    order = _incident_object(
        IMPOSSIBLE[0], "Resolved before it started", "major", start, start - timedelta(hours=2),
        ["k2s9web00001"], [{"status": "investigating", "body": "Looking.", "at": start, "affected": []},
                           {"status": "resolved", "body": "Fixed.", "at": start + timedelta(minutes=30),
                            "affected": []}], UTC, half, status="resolved")
    untimed = _incident_object(IMPOSSIBLE[1], "No time at all", "minor", start, None, ["k2s9db000001"],
                               [], UTC, half, status="resolved")
    untimed.update(created_at=None, started_at=None, updated_at=None, incident_updates=[
        {"id": "u1", "status": "resolved", "body": "It was fixed.", "created_at": None, "display_at": None,
         "affected_components": None}])
    return [order, untimed]


def write_statuspage_export(folder: Path, objects: list[dict[str, Any]], per_page: int = 100) -> list[Path]:
    """The Manage API's pages (newest first, like the API) as ``page-N.json`` files; returns them."""
    folder.mkdir(parents=True, exist_ok=True)
    newest_first = sorted(objects, key=lambda o: str(o.get("created_at") or ""), reverse=True)
    pages = [newest_first[i:i + per_page] for i in range(0, len(newest_first), per_page)]
    paths = []
    for n, page in enumerate(pages, 1):
        path = folder / f"page-{n}.json"
        path.write_text(json.dumps(page, indent=1), encoding="utf-8")
        paths.append(path)
    return paths


def public_api_files(folder: Path, objects: list[dict[str, Any]]) -> list[Path]:
    """``incidents.json`` (latest 50 incidents) and ``scheduled-maintenances.json`` of the public API."""
    folder.mkdir(parents=True, exist_ok=True)
    page = {"id": "pg0000000001", "name": "Example", "url": "https://status.example.com"}
    timed = [o for o in objects if o.get("created_at")]
    newest = sorted(timed, key=lambda o: o["created_at"], reverse=True)
    incidents = [o for o in newest if o["impact"] != "maintenance"][:50]
    maintenances = [o for o in newest if o["impact"] == "maintenance"][:50]
    (folder / "incidents.json").write_text(json.dumps({"page": page, "incidents": incidents}), encoding="utf-8")
    (folder / "scheduled-maintenances.json").write_text(
        json.dumps({"page": page, "scheduled_maintenances": maintenances}), encoding="utf-8")
    return [folder / "incidents.json", folder / "scheduled-maintenances.json"]


CSTATE_ISSUES = {
    "2021-08-25-database-outage.md": """\
---
title: Database outage
date: 2021-08-25 17:13:00
resolved: true
resolvedWhen: 2021-08-25 18:00:00
severity: down
affected:
  - Database
  - API
section: issue
---
*Resolved* - The database is back. {{< track "2021-08-25 18:00:00" >}}

*Monitoring* - A failover completed; we are watching. {{< track "2021-08-25 17:40:00" >}}

*Investigating* - The database does not answer. {{< track "2021-08-25 17:15:00" >}}

The primary database stopped answering queries.
""",
    "2022-02-01-slow-uploads.md": """\
---
title: Slow uploads
date: 2022-02-01T10:00:00+01:00
resolved: true
resolvedWhen: 2022-02-01T11:30:00+01:00
severity: disrupted
affected: [CDN]
section: issue
---
Uploads were slow for some customers.
""",
    "2022-03-10-editor-glitch.md": """\
---
title: Editor glitch
date: 2022-03-10 09:00:00
resolved: true
severity: notice
affected: [Web app]
section: issue
---
Some buttons did not respond.
""",
    "2022-04-01-not-an-issue.md": """\
---
title: About this page
section: about
---
Not an incident.
""",
}


#: A cState site's content/issues/ as real sites write it: status labels other than Sitrep's four,
#: an informational post, the automated-alert format of cState's monitoring integration (times with
#: milliseconds and Z, a label in broken emphasis, an unlabelled tracked escalation), Markdown
#: links, Hugo shortcodes in the body, untracked updates, and a resolved issue with no resolution text.
CSTATE_SITE = {
    "2024-03-02-database-migration.md": """\
---
title: Database migration
date: 2024-03-02 22:00:00
resolved: true
resolvedWhen: 2024-03-02 23:10:00
# Possible severity levels: down, disrupted, notice
severity: notice
affected:
  - Database
section: issue
---

*Completed* - The migration is done and every replica has caught up. {{< track "2024-03-02 23:10:00" >}}

*Still running* - Copying takes longer than planned; writes stay paused until it is done.
{{< track "2024-03-02 22:40:00" >}}

*Just began* - We started moving the database to new hardware, as announced on \
[our status blog](https://blog.example.com/db-migration). {{< track "2024-03-02 22:00:00" >}}
""",
    "2024-05-14-login-errors.md": """\
---
title: Login errors
date: 2024-05-14T08:05:00
resolved: true
resolvedWhen: 2024-05-14T09:30:00
severity: disrupted
affected: [API, Web app]
section: issue
---

{{< figure src="/img/login-errors.png" caption="Failed logins per minute" >}}

Some customers could not sign in.

---

*Fixed* - Sign-ins work again for everyone. {{< track "2024-05-14 09:30:00" >}}

*Workaround* - Signing in from a private window works for most accounts: \
<https://help.example.com/private-window>. {{< track "2024-05-14 08:50:00" >}}

*Investigating* - We are looking into failed sign-ins. {{< track "2024-05-14 08:05:00" >}}
""",
    "2024-12-27-dns-resolution-api.md": """\
---
title: "API DNS resolution error!"
date: 2024-12-27T09:43:40.482Z
resolved: false
severity: "down"
affected: ["API"]
automated: true
id: "dns-resolution-api"
section: issue
---

*This issue has lasted for several consecutive checks and was escalated to a **severe** status. \
Someone has been alerted and will act as soon as they can.* {{< track "2024-12-27T09:44:00.481Z" >}}

**Automated system alert* - Our dns-resolution monitor reports a disruption: users of the "API" \
may see errors. This may be temporary.* {{< track "2024-12-27T09:43:40.482Z" >}}
""",
    "2024-06-01-new-status-page.md": """\
---
title: Our new status page
date: 2024-06-01 12:00:00
informational: true
pin: false
section: issue
---

This is our new status page. Subscribe to [the feed](https://status.example.com/index.xml) for news.
""",
    "2024-07-09-cdn-purge.md": """\
---
title: Stale images after a CDN purge
date: 2024-07-09 14:00:00
resolved: true
resolvedWhen: 2024-07-09 15:00:00
severity: notice
affected:
  - CDN
section: issue
---

*Investigating* - Some images show an older version. {{< track "2024-07-09 14:05:00" >}}
""",
    "2024-08-20-sending-messages.md": """\
---
title: Sending messages impacted
date: 2024-08-20 16:24:00
resolved: true
resolvedWhen: 2024-08-21 10:58:00
severity: disrupted
affected:
  - API
section: issue
---

*Update* - This incident has been resolved.

*Investigating* - We know that sending messages fails for some users and are working on it.
""",
}


def write_cstate(folder: Path, issues: dict[str, str] = CSTATE_ISSUES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in issues.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
