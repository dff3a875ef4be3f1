"""A mid-size SaaS portal on disk: 40 components in 6 groups, a quarter of incidents, an outage under way.

The status page's size grows with its components (each has a row and a 90-day uptime bar), so the
budget is held on a portal of the size a growing company reaches, not only on the nine-component
sample: :func:`write_midsize_portal` writes one with :func:`~tests.support.helpers_build.write_portal`.
Deterministic: the same arguments write the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.support.helpers_build import write_portal

#: 2026-11-01T12:00:00Z: the portal's "now" (SOURCE_DATE_EPOCH of its build).
MIDSIZE_NOW_EPOCH = 1793534400
MIDSIZE_NOW = datetime.fromtimestamp(MIDSIZE_NOW_EPOCH, tz=UTC)

#: Group -> its components (id, name), as a mid-size SaaS lists them.
GROUPS: dict[str, tuple[tuple[str, str], ...]] = {
    "Core platform": (("web-app", "Web application"), ("editor", "Editor"), ("dashboard", "Dashboard"),
                      ("publishing-api", "Publishing API"), ("graphql-api", "GraphQL API"), ("search", "Search"),
                      ("auth", "Authentication & SSO")),
    "Data": (("database", "Primary database"), ("replicas", "Read replicas"), ("cache", "Redis cache"),
             ("media", "Media storage"), ("cdn", "CDN"), ("backups", "Backups"), ("analytics", "Analytics pipeline")),
    "Integrations": (("webhooks", "Webhooks"), ("slack", "Slack app"), ("zapier", "Zapier connector"),
                     ("salesforce", "Salesforce sync"), ("git-sync", "Git sync"), ("imports", "Import tools"),
                     ("exports", "Export tools")),
    "Billing": (("payments", "Card payments"), ("invoicing", "Invoicing"), ("subscriptions", "Subscriptions"),
                ("tax", "Tax calculation"), ("customer-portal", "Customer billing portal"),
                ("metering", "Usage metering")),
    "Notifications": (("email", "Email notifications"), ("sms", "SMS notifications"),
                      ("push", "Push notifications"), ("in-app", "In-app messages"), ("digests", "Daily digests"),
                      ("marketing-email", "Marketing email")),
    "Regions": (("us-east", "US East"), ("us-west", "US West"), ("eu-central", "EU Central"), ("eu-west", "EU West"),
                ("ap-southeast", "Asia Pacific"), ("sa-east", "South America"), ("ca-central", "Canada")),
}
COMPONENT_IDS: tuple[str, ...] = tuple(cid for members in GROUPS.values() for cid, _ in members)
#: The group whose outage is under way at :data:`MIDSIZE_NOW`, and its components' impacts.
OUTAGE_GROUP = "Billing"
OUTAGE = {"payments": "major_outage", "invoicing": "partial_outage"}

_IMPACTS = ("degraded_performance", "partial_outage", "major_outage")
_WHAT = ("Elevated error rates", "Slow responses", "Delayed processing", "Intermittent timeouts",
         "Failed requests", "Degraded performance")


def _ts(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _record(title: str, start: datetime, components: Mapping[str, str], updates: list[tuple[datetime, str, str]],
            severity: str, resolved: datetime | None) -> str:
    lines = ["---", f"title: {title}", f"severity: {severity}", f"started: {_ts(start)}"]
    if resolved:
        lines.append(f"resolved: {_ts(resolved)}")
    lines += ["components:", *[f"  {cid}: {impact}" for cid, impact in components.items()], "updates:"]
    for at, status, message in updates:
        lines += [f"  - at: {_ts(at)}", f"    status: {status}", f"    message: {message}"]
    return "\n".join([*lines, "---", "", "What happened, in a sentence.", ""])


def midsize_records(incidents: int = 30, days: int = 90) -> dict[str, str]:
    """``incidents`` resolved incidents spread over the ``days`` before :data:`MIDSIZE_NOW` (one to three
    components of a group each, impacts in turn, as a quarter of a mid-size SaaS goes), the outage under way
    in :data:`OUTAGE_GROUP` and a maintenance ahead."""
    files: dict[str, str] = {}
    groups = list(GROUPS.values())
    first = MIDSIZE_NOW - timedelta(days=days)
    for n in range(incidents):
        start = first + timedelta(hours=(n * days * 24) // incidents + 7 * (n % 3))
        members = groups[n % len(groups)]
        affected = [members[(n + k) % len(members)] for k in range(1 + n % 3)]
        impacts = {cid: _IMPACTS[(n + k) % 3] for k, (cid, _) in enumerate(affected)}
        what = _WHAT[n % len(_WHAT)]
        title = f"{what} on {affected[0][1]}"
        resolved = start + timedelta(minutes=45 + 37 * (n % 5))
        updates = [(start + timedelta(minutes=6), "investigating", f"We are investigating {what.lower()}."),
                   (start + timedelta(minutes=30), "identified", "We found the cause and are fixing it."),
                   (resolved, "resolved", "This incident has been resolved.")]
        files[f"incidents/{start:%Y}/{start:%Y-%m-%d}-incident-{n + 1:02d}.md"] = _record(
            title, start, impacts, updates, ("SEV2", "SEV3", "SEV4")[n % 3], resolved)
    start = MIDSIZE_NOW - timedelta(hours=2, minutes=30)
    files[f"incidents/{start:%Y}/{start:%Y-%m-%d}-card-payments-failing.md"] = _record(
        "Card payments failing", start, OUTAGE,
        [(start + timedelta(minutes=5), "investigating", "Card payments fail at checkout; we are investigating."),
         (start + timedelta(minutes=50), "identified", "Our payment provider has an outage; we are failing over.")],
        "SEV1", None)
    files["incidents/2026/2026-11-08-database-upgrade.md"] = (
        "---\nkind: maintenance\ntitle: Primary database upgrade\nscheduled_start: 2026-11-08T02:00:00Z\n"
        "scheduled_end: 2026-11-08T04:00:00Z\ncomponents:\n  database: under_maintenance\n"
        "  replicas: under_maintenance\n"
        "updates:\n  - at: 2026-10-25T10:00:00Z\n    status: scheduled\n    message: We will upgrade the primary "
        "database; writes pause for up to ten minutes.\n---\n")
    return files


#: The repository's theme settings (mkdocs.yml): its header carries the palette toggle and the tabs.
REPOSITORY_THEME: dict[str, Any] = {
    "features": ["navigation.tabs", "navigation.top", "search.suggest"],
    "palette": [
        {"media": "(prefers-color-scheme)", "toggle": {"icon": "material/brightness-auto",
                                                      "name": "Switch to light mode"}},
        {"media": "(prefers-color-scheme: light)", "scheme": "default", "primary": "indigo", "accent": "indigo",
         "toggle": {"icon": "material/brightness-7", "name": "Switch to dark mode"}},
        {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "indigo", "accent": "indigo",
         "toggle": {"icon": "material/brightness-4", "name": "Switch to system preference"}},
    ],
}


def write_midsize_portal(root: Path, *, incidents: int = 30, since: str | None = "2025-11-01") -> Path:
    """The mid-size portal under ``root``: :data:`GROUPS`' 40 components, :func:`midsize_records`, the
    repository's theme settings; ``since``: its first day (None: the day of its first incident)."""
    return write_portal(
        root, midsize_records(incidents),
        components=[(cid, name) for members in GROUPS.values() for cid, name in members],
        component_fields={cid: {"group": group} for group, members in GROUPS.items() for cid, _ in members},
        options={"since": since} if since else None, site_name="Midsize Status", theme=REPOSITORY_THEME)
