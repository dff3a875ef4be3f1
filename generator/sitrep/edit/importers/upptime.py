"""Read an Upptime repository's history: its ``.upptimerc.yml`` and its GitHub issues.

Upptime (github.com/upptime/upptime, monitor: upptime/uptime-monitor) keeps no
incident records of its own: its monitor opens a GitHub issue when a site goes
down or degrades and closes it when the site is back, and Upptime counts the time
from the issue's opening to its closing as downtime. ``history/<slug>.yml`` holds
only each site's current status, so the issues are the history. What the monitor
writes (``src/update.ts``, ``src/helpers/slug.ts``):

* a site is ``{name, url, slug?}`` under ``sites:`` in ``.upptimerc.yml``; its slug
  is ``slug`` if set, else ``@sindresorhus/slugify(name)`` (:func:`site_slug`);
* the issue's title is ``🛑 {name} is down`` or ``⚠️ {name} has degraded performance``
  (``🟨`` in its first days, November 2020), its labels ``status``, the slug and the site's
  ``tags``; its body ``In [`sha7`](commit url), {name} ({url}) was **down**:``
  (or ``experienced **degraded performance**:``) then ``- HTTP code: …`` and
  ``- Response time: … ms``;
* when the site is back it comments ``**Resolved:** {name} is back up in
  [`sha7`](commit url) after 2 hours, 5 minutes.`` (``performance has improved``
  for a degraded one; without ``after …`` before August 2023) and closes the
  issue. People add their incident reports as comments (the issues are locked, so
  only the repository's members can).

How it maps (documented in the README):

* each site -> a component (the component table, keyed by slug, proposes the
  portal's component of the same name);
* down -> ``major_outage`` and the portal's first severity (SEV1: the site did not
  answer); degraded -> ``degraded_performance`` and the third (SEV3: slow answers);
  an issue whose title says neither counts as down, as Upptime counts it;
* ``createdAt`` -> ``started`` and a first ``investigating`` update with the body's
  text; each comment -> an update with its text (a leading ``**Identified:**``-style
  label sets the status, as in cState); ``closedAt`` -> ``resolved`` and a
  ``resolved`` update whose message is the closing comment (the monitor's
  ``**Resolved:** …``, or a person's comment made as the issue was closed), else
  :data:`ADDED_RESOLUTION`; comments made after the closing are kept at the end of
  the description; an open issue stays an open incident;
* update messages are plain text on Sitrep's pages: links become ``text (url)``,
  emphasis marks go, a list's items are joined with ``; ``;
* issues without a ``status`` label, or with one but no site (neither a site's label
  nor the monitor's title), were not opened by the monitor: skipped and listed;
* a scheduled maintenance is an issue a person opens with the label ``maintenance``
  and, in its body, an HTML comment with ``start:``, ``end:`` (ISO times) and
  ``expectedDown:`` / ``expectedDegraded:`` (comma-separated slugs; upptime.js.org's
  "Scheduled maintenance" page; the monitor reads it in ``src/update.ts`` and closes
  the issue once ``end`` has passed) -> a ``kind: maintenance`` record: the window,
  the slugs' components ``under_maintenance``, a ``scheduled`` update with the rest
  of the body at ``createdAt``, comments as updates (``in_progress`` from the start),
  ``completed`` at ``closedAt``. One without the comment is skipped and listed.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from sitrep.edit.importers.cstate import STATUS_WORDS, plain_text
from sitrep.edit.importers.writing import ImportedIncident, ImportedUpdate, SourceComponent, parse_time, stamp
from sitrep.model.config import SitrepConfig
from sitrep.model.exceptions import ImportRefused
from sitrep.text.markdown import strip_html_comments

#: The export an adopting team makes with GitHub's CLI (the README gives the same command).
EXPORT_COMMAND = ("gh issue list --repo OWNER/REPO --state all --label status --limit 10000 "
                  "--json number,title,body,labels,createdAt,closedAt,state,comments,url > issues.json")
TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")
#: The message of the resolved update the import adds when the issue was closed without a comment.
ADDED_RESOLUTION = "Closed on GitHub with no resolution comment (this update was added by sitrep import)."
#: The same for a maintenance issue (the monitor closes those, without a comment, once their end passed).
ADDED_COMPLETION = "Closed on GitHub with no comment (this update was added by sitrep import)."
#: HTML comments: hidden on GitHub, so not for a public page either (a maintenance issue's first one
#: holds its window, which the record keeps in its own fields).
_HTML_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
#: Upptime's own comment when a site is back (``src/update.ts``).
MONITOR_RESOLVED = re.compile(r"^\s*\*\*Resolved:\*\*")
#: The monitor's titles: ``🛑 Name is down`` / ``⚠️ Name has degraded performance`` (``🟨`` until 2020-11).
_TITLE = re.compile(r"^\s*(?:🛑|⚠️|⚠|🟨|🟥)?\s*(?P<name>.+?)\s+(?P<what>is down|has degraded performance)\s*$")
#: Leading emoji of a title (the impact says what they said).
_TITLE_MARK = re.compile(r"^(?:\s|🛑|⚠️|⚠|🟨|🟥|🟩|\ufe0f)+")
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+")
#: A comment's leading label: ``**Identified:**``, ``**Identified**:``, ``*Identified* -`` or ``Identified:``.
_LABEL = re.compile(r"^\s*[*_]{0,3}(?P<label>[A-Za-z][A-Za-z ]{0,40}?)\s*(?::[*_]{0,3}|[*_]{1,3}\s*[-–—:])")
_STATUS_OF = {word: status for status, words in STATUS_WORDS.items() for word in words
              if status != "resolved"}  # only the closing resolves
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
#: A person's comment made as the issue was closed ("Close with comment") is its resolution.
CLOSING_COMMENT_SECONDS = 60


@dataclass
class Site:
    """One entry of ``sites:`` in ``.upptimerc.yml``."""

    name: str
    url: str
    slug: str


# --------------------------------------------------------------------------- .upptimerc.yml


def _transliterate(text: str) -> str:
    """ASCII letters for Latin ones, as @sindresorhus/transliterate does for the common cases."""
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"), ("ß", "ss"),
                     ("&", " and "), ("♥", " love "), ("🦄", " unicorn ")):
        text = text.replace(src, dst)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _ascii_slug(name: str) -> str:
    """``@sindresorhus/slugify(name)`` with its defaults (decamelize, lowercase, ``-``)."""
    text = _transliterate(name)
    text = re.sub(r"([A-Z]{2,})(\d+)", r"\1 \2", text)
    text = re.sub(r"([a-z\d]+)([A-Z]{2,})", r"\1 \2", text)
    text = re.sub(r"([a-z\d])([A-Z])", r"\1 \2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-rt-z\d]+)", r"\1 \2", text)
    text = text.lower()
    text = re.sub(r"([a-zA-Z\d]+)'([ts])(\s|$)", r"\1\2\3", text)
    text = re.sub(r"[^a-z\d]+", "-", text)
    return re.sub(r"-{2,}", "-", text).strip("-")


def _unicode_slug(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).strip()
    text = re.sub(r"[\\/<>:\"|?*#%]", "-", text)
    text = re.sub(r"[\x00-\x1f\x7f]", "", text)
    text = re.sub(r"\s+", "-", text)
    text = re.sub(r"-+", "-", text)
    return re.sub(r"^[.-]+|[.-]+$", "", text)


def site_slug(name: str, url: str, slug: str | None = None) -> str:
    """The slug Upptime labels a site's issues with (``getSiteSlug`` in ``src/helpers/slug.ts``):
    the ``slug`` set, else the name's ASCII slug, else its Unicode one, else the URL's."""
    if slug and slug.strip():
        return slug.strip()
    return _ascii_slug(name) or _unicode_slug(name) or _ascii_slug(url) or "site"


def read_sites(path: Path) -> list[Site]:
    """The sites of an ``.upptimerc.yml``; refused with the file, line and fix when it is not one."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ImportRefused(f"{where}: not readable YAML ({problem}); pass the Upptime repository's "
                            ".upptimerc.yml") from None
    except UnicodeDecodeError:
        raise ImportRefused(f"{path}: not a text file; pass the Upptime repository's .upptimerc.yml") from None
    sites = data.get("sites") if isinstance(data, dict) else None
    if not isinstance(sites, list) or not sites:
        raise ImportRefused(f"{path}: has no sites: list; pass the Upptime repository's .upptimerc.yml "
                            "(sites: - name: … url: …)")
    found: list[Site] = []
    for n, entry in enumerate(sites, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str | int) or not entry.get("url"):
            raise ImportRefused(f"{path}: site {n} of sites: needs a name and a url (- name: Example, "
                                "url: https://example.com); fix it")
        name, url = str(entry["name"]).strip(), str(entry["url"])
        found.append(Site(name, url, site_slug(name, url, str(entry["slug"]) if entry.get("slug") else None)))
    return found


def source_components(sites: Sequence[Site]) -> list[SourceComponent]:
    """Every site, keyed by slug (the label on its issues), with its name."""
    return [SourceComponent(site.slug, [site.name]) for site in sites]


# --------------------------------------------------------------------------- issues: files and the API


def read_files(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Issues from ``gh issue list --json …`` files (or the REST API's pages, renamed to the CLI's fields)."""
    found: list[dict[str, Any]] = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ImportRefused(f"{path}: not a JSON file ({exc}); export the issues with: {EXPORT_COMMAND}") \
                from None
        found += _issues(data, str(path))
    return found


def _issues(data: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(i, dict) and "title" in i and "number" in i
                                              for i in data):
        got = "an object" if isinstance(data, dict) else type(data).__name__
        raise ImportRefused(f"{where}: expected a list of GitHub issues (number, title, …), got {got}; export "
                            f"them with: {EXPORT_COMMAND}")
    return [dict(_normalised(issue, where), _from=where) for issue in data]


def _normalised(issue: dict[str, Any], where: str) -> dict[str, Any]:
    """A GitHub CLI issue as it is; a REST API issue in the CLI's field names."""
    if "created_at" in issue and "createdAt" not in issue:
        issue = {"number": issue.get("number"), "title": issue.get("title"), "body": issue.get("body"),
                 "labels": issue.get("labels"), "createdAt": issue.get("created_at"),
                 "closedAt": issue.get("closed_at"), "state": issue.get("state"),
                 "url": issue.get("html_url"), "comments": issue.get("comments")}
    comments = issue.get("comments")
    if isinstance(comments, int):  # the REST API's count, or a gh export without the comments field
        if comments:
            raise ImportRefused(f"{where}: issue #{issue.get('number')} has {comments} comment(s) but the file "
                                f"has only their number; export the comments too: {EXPORT_COMMAND}")
        comments = []
    if comments is None:
        comments = []
    if not isinstance(comments, list) or not all(isinstance(c, dict) for c in comments):
        raise ImportRefused(f"{where}: issue #{issue.get('number')}: comments must be a list of comments; "
                            f"export them with: {EXPORT_COMMAND}")
    issue = dict(issue, comments=[_comment(c) for c in comments])
    if "createdAt" not in issue:
        raise ImportRefused(f"{where}: issue #{issue.get('number')} has no createdAt; export the issues with: "
                            f"{EXPORT_COMMAND}")
    return issue


def _comment(comment: dict[str, Any]) -> dict[str, Any]:
    if "created_at" in comment and "createdAt" not in comment:
        return {"body": comment.get("body"), "createdAt": comment.get("created_at"),
                "url": comment.get("html_url"), "isMinimized": False}
    return comment


#: What ``--url`` asks GitHub's GraphQL API for: the fields ``gh issue list --json`` exports.
ISSUES_QUERY = """
query($owner: String!, $name: String!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    issues(first: 100, after: $cursor, labels: ["status", "maintenance"],
           orderBy: {field: CREATED_AT, direction: ASC}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number title body url state createdAt closedAt
        labels(first: 100) { nodes { name } }
        comments(first: 100) { totalCount nodes { body createdAt url isMinimized } }
      }
    }
  }
}
"""


def graphql_endpoint(url: str) -> tuple[str, str, str]:
    """``https://github.com/OWNER/REPO`` -> (GraphQL endpoint, owner, repository); a GitHub
    Enterprise Server's ``https://HOST/OWNER/REPO`` -> ``https://HOST/api/graphql``."""
    parsed = urllib.parse.urlsplit(url.strip().rstrip("/"))
    parts = [p for p in parsed.path.split("/") if p]
    if parsed.scheme not in ("http", "https") or len(parts) != 2:
        raise ImportRefused(f"{url}: give the Upptime repository as https://github.com/OWNER/REPO")
    host = parsed.netloc.removeprefix("www.")
    endpoint = ("https://api.github.com/graphql" if host == "github.com"
                else f"{parsed.scheme}://{parsed.netloc}/api/graphql")
    return endpoint, parts[0], parts[1].removesuffix(".git")


def fetch_issues(url: str, environ: Mapping[str, str] = os.environ, timeout: float = 30) -> list[dict[str, Any]]:
    """Every issue labelled ``status`` or ``maintenance`` of the repository at ``url``, with its comments, from
    GitHub's GraphQL API (as ``gh issue list`` reads them: 100 a page, the first 100 comments).

    The token (``GITHUB_TOKEN`` or ``GH_TOKEN``) is sent as ``Authorization: Bearer``
    and never printed.
    """
    token = next((environ[v] for v in TOKEN_VARIABLES if environ.get(v)), None)
    if not token:
        raise ImportRefused("set GITHUB_TOKEN to a GitHub token that can read the repository's issues (e.g. "
                            "GITHUB_TOKEN=$(gh auth token)), or export them to a file: " + EXPORT_COMMAND)
    endpoint, owner, name = graphql_endpoint(url)
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        payload = json.dumps({"query": ISSUES_QUERY,
                              "variables": {"owner": owner, "name": name, "cursor": cursor}}).encode("utf-8")
        request = urllib.request.Request(endpoint, data=payload, method="POST", headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json", "User-Agent": "sitrep-import"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                data = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            hint = " (check the token)" if exc.code in (401, 403) else ""
            raise ImportRefused(f"GitHub answered {exc.code} {exc.reason} for {endpoint}{hint}") from None
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise ImportRefused(f"cannot read {endpoint}: {exc}") from None
        errors = data.get("errors") if isinstance(data, dict) else None
        repository = ((data.get("data") or {}).get("repository") if isinstance(data, dict) else None)
        if errors or not isinstance(repository, dict):
            problem = errors[0].get("message") if errors and isinstance(errors[0], dict) else "no repository"
            raise ImportRefused(f"GitHub cannot list the issues of {owner}/{name}: {problem} (check the URL and "
                                "that the token can read the repository)")
        issues = repository["issues"]
        for node in issues["nodes"]:
            node["labels"] = (node.get("labels") or {}).get("nodes") or []
            node["comments"] = (node.get("comments") or {}).get("nodes") or []
        found += issues["nodes"]
        if not issues["pageInfo"]["hasNextPage"]:
            return _issues(found, f"https://github.com/{owner}/{name}" if "api.github.com" in endpoint else url)
        cursor = issues["pageInfo"]["endCursor"]


# --------------------------------------------------------------------------- one issue


def message_text(markdown: str) -> str:
    """A comment's Markdown as the plain text of an update: as :func:`cstate.plain_text`, with a
    list's items joined by ``; `` (``was **down**:`` / ``- HTTP code: 0`` -> ``was down: HTTP code: 0; …``),
    without inline-code marks and without HTML comments (GitHub does not show them)."""
    text = strip_html_comments(markdown.replace("\r\n", "\n"))
    # Pieces, not one growing string: a comment of thousands of list items stays linear.
    pieces: list[str] = []
    for line in text.split("\n"):
        item = _LIST_ITEM.match(line)
        if item is None:
            pieces += ["\n", line] if pieces else ([line] if line else [])
            continue
        # The item joins the text before it, across blank lines and trailing spaces.
        while pieces and not (last := pieces[-1].rstrip()):
            pieces.pop()
        if pieces:
            pieces[-1] = last
        separator = " " if not pieces or pieces[-1].endswith(":") else "; "
        pieces += [separator, line[item.end():]]
    return plain_text(_INLINE_CODE.sub(r"\1", "".join(pieces)))


def _labels(issue: dict[str, Any]) -> list[str]:
    names = []
    for label in issue.get("labels") or []:
        name = label.get("name") if isinstance(label, dict) else label
        if isinstance(name, str):
            names.append(name)
    return names


def _number(issue: dict[str, Any]) -> str:
    return f"#{issue.get('number')}"


def site_of(issue: dict[str, Any], sites: Sequence[Site]) -> Site | str:
    """The site an issue is about, or why it was not opened by the monitor (a reason to skip it).

    An issue the monitor opened for a site ``.upptimerc.yml`` does not list is refused:
    its history would have no component.
    """
    labels = _labels(issue)
    if "status" not in labels:
        if "maintenance" in labels:
            return ("a maintenance issue without the <!-- start: … end: … --> comment Upptime reads: not a "
                    "scheduled maintenance")
        return "no status label: not opened by Upptime's monitor"
    by_slug = {s.slug: s for s in sites}
    by_name = {s.name.casefold(): s for s in sites}
    site = next((by_slug[label] for label in labels if label in by_slug), None)
    title = _TITLE.match(str(issue.get("title") or ""))
    if site is None and title is not None:
        site = by_name.get(title["name"].casefold())
    if site is not None:
        return site
    if title is None:
        return "no site label and not a title the monitor writes: not opened by Upptime's monitor"
    others = [label for label in labels if label != "status"]
    slug = others[0] if others else site_slug(title["name"], "")
    raise ImportRefused(
        f"{issue.get('_from')}: issue {_number(issue)} ({issue.get('title')}) is about the site {title['name']!r} "
        f"(label {slug}), which the .upptimerc.yml given does not list: add it under sites: (- name: "
        f"{title['name']}, slug: {slug}, url: …) even if Upptime no longer checks it, or remove the issue "
        "from the export")


def _impact(issue: dict[str, Any]) -> str:
    title = _TITLE.match(str(issue.get("title") or ""))
    if title is not None:
        return "degraded_performance" if title["what"].startswith("has degraded") else "major_outage"
    body = str(issue.get("body") or "")
    return "degraded_performance" if "**degraded performance**" in body else "major_outage"


def _severity(impact: str, config: SitrepConfig) -> str | None:
    if not config.severities:
        return None
    rank = 0 if impact == "major_outage" else 2
    return config.severities[min(rank, len(config.severities) - 1)].id


def _message(body: str, status: str) -> str:
    """A comment as an update's message; a leading label that only names the update's status
    (``**Resolved:**`` on the resolution, ``Identified:`` on an identified update) goes, as the
    status says it (cState's import does the same); any other label stays."""
    label = _LABEL.match(body)
    if label is not None and " ".join(label["label"].split()).casefold() == status:
        return message_text(body[label.end():]) or message_text(body)
    return message_text(body)


def _comment_status(text: str, before: str) -> str:
    """A comment's status: a leading ``**Identified:**``-style label naming one, else the status before.
    Only the closing resolves an incident (Upptime's uptime counts until then), so a label such as
    *Fixed* in a comment before it keeps the status before."""
    label = _LABEL.match(text)
    if label is None:
        return before
    return _STATUS_OF.get(" ".join(label["label"].split()).casefold(), before)


Comment = tuple[datetime | None, str]
TimeReader = Callable[[Any, str], datetime | None]


def _reader(notes: list[str]) -> TimeReader:
    """``time_of(value, what)``: a source's time, noting in ``notes`` one that is not a time."""
    def time_of(value: Any, what: str) -> datetime | None:
        moment = parse_time(value)
        if value and moment is None:
            notes.append(f"{what} {value!r} is not a time with a UTC offset")
        return moment
    return time_of


def _closed(issue: dict[str, Any], time_of: TimeReader) -> datetime | None:
    """When the issue was closed; None while it is open (a reopened issue is open again)."""
    if str(issue.get("state") or "").upper() == "OPEN" or not issue.get("closedAt"):
        return None
    return time_of(issue.get("closedAt"), "closedAt")


def _comments(issue: dict[str, Any], closed: datetime | None,
              time_of: TimeReader) -> tuple[list[Comment], str | None, list[Comment]]:
    """An issue's comments, oldest first, as (those before the closing, the closing's message if a
    comment made it, those after the closing). The closing comment is the monitor's
    ``**Resolved:**`` just before it, or any comment made within :data:`CLOSING_COMMENT_SECONDS`
    of it (GitHub's "Close with comment"). Comments GitHub hides (spam, off-topic) are left out:
    they are not for a public page."""
    comments = [(time_of(c.get("createdAt"), f"comment {n}'s createdAt"), str(c.get("body") or ""))
                for n, c in enumerate(issue.get("comments") or [], 1) if not c.get("isMinimized")]
    comments.sort(key=lambda c: c[0] or datetime.max.replace(tzinfo=UTC))
    during = [c for c in comments if closed is None or c[0] is None or c[0] <= closed]
    after = [c for c in comments if closed is not None and c[0] is not None and c[0] > closed]
    if closed is not None and during:
        at, body = during[-1]
        if MONITOR_RESOLVED.match(body) or (at is not None and (closed - at).total_seconds()
                                             <= CLOSING_COMMENT_SECONDS):
            return during[:-1], _message(body, "resolved"), after
    return during, None, after


def _after_closing(comments: Sequence[Comment]) -> str:
    """Comments made after an issue was closed, for the end of the record's description."""
    return "\n\n".join(f"Comment made after the issue was closed ({stamp(at)}):\n\n{text.strip()}"
                        for at, text in comments if text.strip())


def to_incident(issue: dict[str, Any], site: Site, mapping: Mapping[str, str],
                config: SitrepConfig) -> ImportedIncident:
    """One issue the monitor opened as an :class:`ImportedIncident` (see the module's docstring)."""
    notes: list[str] = []
    time_of = _reader(notes)
    started = time_of(issue.get("createdAt"), "createdAt")
    resolved = _closed(issue, time_of)
    if started is None and not issue.get("createdAt"):
        notes.append("the issue has no createdAt")
    impact = _impact(issue)
    title = _TITLE_MARK.sub("", str(issue.get("title") or "")).strip()
    first = message_text(str(issue.get("body") or "")) or title
    updates = [ImportedUpdate(started, "investigating", first)]
    during, resolution, after = _comments(issue, resolved, time_of)
    status = "investigating"
    for at, body in during:
        status = "monitoring" if MONITOR_RESOLVED.match(body) else _comment_status(body, status)
        text = _message(body, status)
        if text:
            updates.append(ImportedUpdate(at, status, text))
    if resolved is not None:
        updates.append(ImportedUpdate(resolved, "resolved", resolution or ADDED_RESOLUTION))
    if started and resolved and resolved < started:
        notes.append(f"it was closed ({stamp(resolved)}) before it was opened ({stamp(started)})")
    body = _after_closing(after)
    source_id = str(issue.get("url") or _number(issue))
    return ImportedIncident(
        source_id=source_id, kind="incident", title=title, severity=_severity(impact, config),
        started=started, resolved=resolved, components={mapping.get(site.slug, site.slug): impact},
        updates=updates, body=body, notes=notes)


def maintenance_window(issue: dict[str, Any]) -> dict[str, str] | None:
    """The ``key: value`` lines of a maintenance issue's HTML comment, read as the monitor reads
    them (the first comment; each line split at its first colon), or None if it is not one."""
    if "maintenance" not in _labels(issue):
        return None
    found = _HTML_COMMENT.search(str(issue.get("body") or ""))
    if found is None:
        return None
    metadata = {}
    for line in found[1].splitlines():
        key, colon, value = line.partition(":")
        if colon and key.strip() and value.strip():
            metadata[key.strip()] = value.strip()
    return metadata if "start" in metadata and "end" in metadata else None


def to_maintenance(issue: dict[str, Any], metadata: Mapping[str, str], sites: Sequence[Site],
                   mapping: Mapping[str, str]) -> ImportedIncident:
    """One of Upptime's scheduled-maintenance issues as a maintenance record (see the module's docstring)."""
    notes: list[str] = []
    time_of = _reader(notes)
    start = time_of(metadata.get("start"), "start")
    end = time_of(metadata.get("end"), "end")
    created = time_of(issue.get("createdAt"), "createdAt")
    closed = _closed(issue, time_of)
    known = {s.slug for s in sites}
    components: dict[str, str] = {}
    for key in ("expectedDown", "expectedDegraded"):
        for slug in (part.strip() for part in metadata.get(key, "").split(",")):
            if not slug:
                continue
            if slug not in known:
                notes.append(f"{key} names {slug!r}, which is not the slug of a site in the .upptimerc.yml given")
            components[mapping.get(slug, slug)] = "under_maintenance"
    if not components:
        notes.append("it lists no site (expectedDown, expectedDegraded): say which components it affects")
    title = _TITLE_MARK.sub("", str(issue.get("title") or "")).strip()
    notice = message_text(str(issue.get("body") or "")) or title
    updates = [ImportedUpdate(created, "scheduled", notice)]
    during, closing, after = _comments(issue, closed, time_of)
    for at, body in during:
        text = message_text(body)
        if text:
            updates.append(ImportedUpdate(at, "in_progress" if at and start and at >= start else "scheduled", text))
    if closed is not None:
        updates.append(ImportedUpdate(closed, "completed", closing or ADDED_COMPLETION))
    return ImportedIncident(
        source_id=str(issue.get("url") or _number(issue)), kind="maintenance", title=title, severity=None,
        started=None, resolved=closed, components=components, updates=updates,
        body=_after_closing(after), scheduled_start=start, scheduled_end=end, notes=notes)


def read_incidents(issues: Sequence[dict[str, Any]], sites: Sequence[Site], mapping: Mapping[str, str],
                   config: SitrepConfig) -> list[ImportedIncident]:
    """Every issue, each once (the copy seen last): an incident, or one to skip with the reason."""
    by_id: dict[str, dict[str, Any]] = {}
    for issue in issues:
        by_id[str(issue.get("url") or _number(issue))] = issue
    found = []
    for source_id, issue in by_id.items():
        window = maintenance_window(issue)
        if window is not None:
            found.append(to_maintenance(issue, window, sites, mapping))
            continue
        site = site_of(issue, sites)
        if isinstance(site, str):
            title = str(issue.get("title") or "")
            found.append(ImportedIncident(source_id=source_id, kind="incident", title=title, severity=None,
                                          started=parse_time(issue.get("createdAt")), resolved=None,
                                          components={}, updates=[], skipped=site))
        else:
            found.append(to_incident(issue, site, mapping, config))
    return found


def check_sources(issues: Sequence[dict[str, Any]], sites: Sequence[Site]) -> None:
    """Refuse before anything is proposed or written when an issue names a site the file does not list."""
    for issue in issues:
        if maintenance_window(issue) is None:
            site_of(issue, sites)
