"""``sitrep notify``: deliver the events of the records to the configured channels, exactly once.

The events come from :func:`sitrep.derive.events.derive_events`, the messages
from :mod:`sitrep.render.messages`, delivery from Apprise (one URL per channel,
read from the environment variable the channel names). What has been done is
kept in a *ledger*, a small JSON file mapping each channel to the event ids it
has had (``sent``), was not meant to have (``skipped``: filtered out by its
events, severities or components), had made redundant by another message
(``covered``) or were too old to send (``expired``).

Exactly once, in practice:

* an event id is written to the ledger right after its delivery succeeded (the
  file is replaced atomically), so a re-run sends nothing twice;
* a resolution a channel had is sent again after the channel heard the incident was open again (reopened by
  hand, or the resolving commit reverted, then an update or a reminder): its last word is the resolution;
* an update whose time was corrected after it was sent (a force-push) has a new id but the same words: the ledger
  keeps a digest of each sent update's words, and an update repeating those of one the records no longer give is
  ``covered``, not sent twice. A sent update a run finds gone with nothing in its place (reverted, and the revert
  published) is marked ``gone``: restored as it was (same time, same id) it is still had, but its words posted
  again at a new time are a new update, sent;
* an update added to the record after a channel was told the incident was resolved, and dated before that
  resolution (a missed update backfilled into the timeline), is not news: it is recorded ``covered`` (with the
  severity and impact it gave) on that channel, not sent, and the run says so; so is one added to an incident
  still open, dated before the latest update of it the channel has (an older status after a newer one);
* an incident recorded retrospectively (written up after it was over: a channel finds it already resolved, having
  seen nothing of it, resolved more than ``notify.retrospective_after`` before the channel's last whole run, which
  did not have it) is not news: public channels get nothing of it, internal ones its resolution alone, marked so,
  and the run says so (a failed delivery of it too, as failed). Each channel's last whole run is kept in the ledger
  (``checked``). So is a maintenance added already completed, by its completion;
* a declaration is the update it was sent as: the ledger keeps that update's id, so an update backfilled before
  it (which makes another the incident's first) does not make it an update, sent again; the backfilled one is
  dated before an update the channel has, so ``covered`` (the rule above);
* a failed delivery is not written as had: the next run sends it again. The channel's
  later events wait for it, so a channel never hears of an update before the
  declaration (a "resolved" never arrives before its "investigating"). The failure is kept
  (``failing``: since when, how many attempts, the last reason) so ``--status`` and every run name
  the stuck event; one that can never be delivered (a bad address, a revoked webhook: Apprise
  reports only success or failure) is dropped by the on-call with ``--skip EVENT_ID``, recorded
  ``dropped``, and the channel's later events go out in order. A channel's value may hold
  several URLs; each is delivered on its own, and those that took a message of a partly failed delivery are kept
  (``partial``, by a digest of the masked URL), so the retry goes only to the rest;
* a delivery cannot stall the run: Apprise's own timeouts are set on every destination whose URL does not set
  them (:data:`CONNECT_TIMEOUT`, :data:`READ_TIMEOUT`, :data:`MAIL_TIMEOUT`), and a delivery still going after
  ``notify.delivery_timeout`` (a receiver trickling bytes) is given up as failed, so the channel's next run
  retries it and the other channels get their messages now;
* two runs on one machine take turns (an exclusive lock next to the ledger); in
  GitHub Actions every job running ``sitrep notify`` (the publish workflow's and the
  notify-only schedule's) is in one concurrency group, so they take turns too, and the
  ledger is kept in the Actions cache;
* a channel's first run (no ledger yet, a new channel, a lost ledger) sends only
  events younger than ``notify.max_age`` and records the rest, so setting up, or
  losing the ledger, never floods a channel with history. Later runs drop events older than that too (a run that
  was down for a day does not send yesterday's reminders).

A public channel only ever sees ``portal.for_audience("public")``: internal
incidents and postmortems produce no event for it, and its messages are rendered
from public fields only.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_plus, urlsplit

from sitrep.derive.events import Event, declared_as, derive_events
from sitrep.derive.state import IncidentState, incident_state
from sitrep.model.config import Channel
from sitrep.model.exceptions import NotifyError
from sitrep.model.files import write_atomically
from sitrep.model.formatting import format_duration, human_time, iso_z
from sitrep.model.portal import Portal
from sitrep.model.records import update_ids
from sitrep.render.messages import Message, message_env, render_message

LEDGER_VERSION = 1
#: Outcomes recorded in the ledger; every one means "never send this again to that channel".
#: ``dropped``: it could not be delivered and the on-call chose to skip it (``sitrep notify --skip``).
OUTCOMES = ("sent", "skipped", "covered", "expired", "dropped")


@dataclass(frozen=True)
class Stuck:
    """An event a channel failed to take, which holds back the channel's later events."""

    channel: str
    event_id: str
    since: str
    attempts: int
    error: str


# --------------------------------------------------------------------------- ledger

@dataclass
class Ledger:
    """Event ids each channel has had, with the outcome and when it was recorded."""

    path: Path
    existed: bool
    channels: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    #: Per channel, events some of whose destinations have them (a partly failed delivery): their keys.
    partial: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    #: Per channel, the event whose delivery failed: since when, attempts, the last reason (secrets masked).
    failing: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    #: Per channel, the time of its last whole run (every event of the records looked at, none held back by a
    #: failed one): an incident the channel finds later, over well before that, was not in the records then.
    checked: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Ledger:
        """The ledger at ``path`` (an empty one when there is none); NotifyError when it cannot be read."""
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path, existed=False)
        except OSError as exc:
            raise NotifyError(f"{path}: cannot read the notification ledger: {exc.strerror}") from None
        try:
            data = json.loads(raw)
            channels = data["channels"]
            if data.get("version") != LEDGER_VERSION or not isinstance(channels, dict):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            raise NotifyError(f"{path}: not a Sitrep notification ledger (version {LEDGER_VERSION}); move it "
                              "away to start a new one (events older than notify.max_age are then not sent)"
                              ) from None
        partial = data.get("partial", {})
        if not isinstance(partial, dict):
            partial = {}
        failing = data.get("failing", {})
        if not isinstance(failing, dict):
            failing = {}
        checked = data.get("checked", {})
        if not isinstance(checked, dict):
            checked = {}
        return cls(path, existed=True, channels=channels, partial=partial, failing=failing, checked=checked)

    def has(self, channel: str, event_id: str) -> bool:
        """Whether the channel has an outcome for the event, so it is never sent again."""
        return event_id in self.channels.get(channel, {})

    def record(self, channel: str, event_id: str, outcome: str, now: datetime, said: str | None = None,
               dated: datetime | None = None, retrospective: bool = False, update: str | None = None) -> None:
        """Keep the event's ``outcome`` (one of :data:`OUTCOMES`) for the channel, with the digest of the words
        of an update it was sent (:func:`words_digest`), the time of a resolution it was sent (``dated``: an
        update dated before it, added later, is backfilled), whether its incident was recorded retrospectively
        (:func:`_retrospective`: such an entry does not count as the channel having seen the incident while it
        was news) and the id of the update a declaration was (``update``: an update written in before it later
        does not make it another); a partial or failed delivery of it is done with."""
        entry: dict[str, Any] = {"outcome": outcome, "at": iso_z(now.replace(microsecond=0))}
        if said:
            entry["said"] = said
        if update:
            entry["update"] = update
        if dated is not None:
            entry["dated"] = iso_z(dated.replace(microsecond=0))
        if retrospective:
            entry["retrospective"] = True
        self.channels.setdefault(channel, {})[event_id] = entry
        self.partial.get(channel, {}).pop(event_id, None)
        self.failing.get(channel, {}).pop(event_id, None)

    def declared_with(self, channel: str, events: list[Event], keep: bool) -> dict[str, str]:
        """Per incident id, the update the channel had its declaration as, where that is no longer the incident's
        first update (one was written in before it since: :func:`~sitrep.derive.events.declared_as` keeps the
        declaration on it). With ``keep``, a declaration the channel has without that detail (a ledger older than
        it) is given its first update now."""
        entries = self.channels.get(channel, {})
        declared: dict[str, str] = {}
        for event in events:
            info = entries.get(event.id)
            if event.kind != "incident.declared" or info is None or event.incident is None:
                continue
            first = _update_id(event)
            if "update" not in info and keep:
                info["update"] = first
            if info.get("update", first) != first:
                declared[event.incident.id] = str(info["update"])
        return declared

    def told_open(self, channel: str) -> dict[str, str]:
        """Per incident (``incident/<id>``), when the channel was last sent word that it is open (an update or a
        reminder; the ledger's time): a resolution it had before that was taken back (the incident was reopened,
        or the resolving commit reverted, and the channel heard so)."""
        told: dict[str, str] = {}
        for event_id, info in self.channels.get(channel, {}).items():
            if info.get("outcome") == "sent" and _OPEN_AGAIN_ID.match(event_id):
                record = record_of(event_id)
                told[record] = max(told.get(record, ""), str(info.get("at", "")))
        return told

    def said_before(self, channel: str, current: set[str]) -> dict[tuple[str, str], list[str]]:
        """Per (record, words digest), the ids of updates the channel has the words of that the records no longer
        give (edited since: a time corrected and force-pushed gives an update a new id, not new words)."""
        gone: dict[tuple[str, str], list[str]] = {}
        for event_id, info in self.channels.get(channel, {}).items():
            if "said" in info and "gone" not in info and event_id not in current:
                gone.setdefault((record_of(event_id), info["said"]), []).append(event_id)
        return {key: sorted(ids) for key, ids in gone.items()}  # oldest first: update ids start with their time

    def mark_gone(self, channel: str, current: set[str], waiting: set[tuple[str, str]], now: datetime) -> None:
        """Mark ``gone`` the channel's sent updates the records no longer give and whose words no update it has
        not had yet says (``waiting``: (record, words digest) pairs): taken out (a revert, published) rather than
        edited. Their words then say nothing about a later update (posted again at a new time, it is news); their
        ids stay had (restored as they were, they are not sent twice, and the mark is lifted)."""
        for event_id, info in self.channels.get(channel, {}).items():
            if "said" not in info:
                continue
            if event_id in current:
                info.pop("gone", None)
            elif "gone" not in info and (record_of(event_id), info["said"]) not in waiting:
                info["gone"] = iso_z(now.replace(microsecond=0))

    def resolution_heard(self, channel: str, record: str) -> datetime | None:
        """The time of the resolution of ``record`` (``incident/<id>``) the channel was sent (for a ledger older
        than that detail, when it was sent); None when it was not sent one."""
        info = self.channels.get(channel, {}).get(f"{record}/resolved")
        if not info or info.get("outcome") != "sent":
            return None
        try:
            return datetime.fromisoformat(str(info.get("dated") or info.get("at")))
        except ValueError:
            return None

    def seen(self, channel: str) -> set[str]:
        """The records (``incident/<id>``, …) the channel has an outcome of an event of, other than as an
        incident recorded retrospectively."""
        return {record_of(event_id) for event_id, info in self.channels.get(channel, {}).items()
                if not info.get("retrospective")}

    def last_checked(self, channel: str) -> datetime | None:
        """When the channel last had a whole run (:attr:`checked`); None when it has not had one yet (or the
        ledger is older than that detail)."""
        try:
            return datetime.fromisoformat(self.checked[channel])
        except (KeyError, TypeError, ValueError):
            return None

    def record_failure(self, channel: str, event_id: str, error: str, now: datetime) -> None:
        """Keep that the channel failed to take the event (the first time, how often, the last reason)."""
        previous = self.failing.setdefault(channel, {}).get(event_id, {})
        self.failing[channel][event_id] = {
            "since": previous.get("since", iso_z(now.replace(microsecond=0))),
            "attempts": int(previous.get("attempts", 0)) + 1, "error": error}

    def stuck(self) -> list[Stuck]:
        """Every event a channel failed to take and has not had since, by channel."""
        return [Stuck(name, event_id, str(info.get("since", "")), int(info.get("attempts", 0)),
                      str(info.get("error", "")))
                for name, ids in sorted(self.failing.items()) for event_id, info in sorted(ids.items())
                if not self.has(name, event_id)]

    def delivered_to(self, channel: str, event_id: str) -> frozenset[str]:
        """The destinations of the channel that have the event from an earlier, partly failed delivery."""
        return frozenset(self.partial.get(channel, {}).get(event_id, ()))

    def record_partial(self, channel: str, event_id: str, accepted: tuple[str, ...]) -> None:
        """Keep which of the channel's destinations took the event, so a retry goes only to the others."""
        if accepted:
            self.partial.setdefault(channel, {})[event_id] = sorted(set(accepted))

    def save(self) -> None:
        """Replace the file atomically (a crash leaves the previous ledger whole)."""
        data: dict[str, Any] = {
            "version": LEDGER_VERSION,
            "channels": {name: dict(sorted(ids.items())) for name, ids in sorted(self.channels.items())}}
        partial = {name: dict(sorted(ids.items())) for name, ids in sorted(self.partial.items()) if ids}
        if partial:
            data["partial"] = partial
        failing = {name: dict(sorted(ids.items())) for name, ids in sorted(self.failing.items()) if ids}
        if failing:
            data["failing"] = failing
        if self.checked:
            data["checked"] = dict(sorted(self.checked.items()))
        write_atomically(self.path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
        self.existed = True


#: Ids of the events that tell a channel an incident is open: its updates and reminders (not the severity or impact
#: of a record edited after its resolution).
_OPEN_AGAIN_ID = re.compile(r"incident/[^/]+/(update|overdue)/")


def words_digest(event: Event) -> str | None:
    """A digest of what an update says (its status and message), kept in the ledger with a sent update so an
    update whose id changed (its time corrected) is not sent again; None for other events."""
    if event.kind != "incident.updated" or event.update is None:
        return None
    words = f"{event.update.status}\n{event.update.message.strip()}"
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:16]


def _update_id(event: Event) -> str:
    """The id of the event's update within its record (:func:`~sitrep.model.records.update_ids`)."""
    assert event.incident is not None and event.position is not None
    return update_ids(event.incident.updates[:event.position + 1])[-1]


def record_of(event_id: str) -> str:
    """The record an event id is about: ``incident/<id>`` of ``incident/<id>/update/…``."""
    return "/".join(event_id.split("/", 2)[:2])


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside the ledger, so runs on one machine take turns."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+b") as fh:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no concurrent runs there
            yield
            return
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# --------------------------------------------------------------------------- delivery

@dataclass(frozen=True)
class Delivery:
    """What one delivery attempt achieved: why it failed (None: every destination has the message) and
    the destinations that have it now, by :func:`destination_key` (those that had it before included)."""

    error: str | None
    accepted: tuple[str, ...] = ()
    #: The failure was a receiver not answering in time (down or overloaded), not a refusal: retrying is the cure.
    unanswered: bool = False


#: Delivers one message to a channel's Apprise URLs, skipping the destinations in ``done`` (they accepted it in
#: an earlier, partly failed run), giving up on a destination after the seconds given (``notify.delivery_timeout``).
Sender = Callable[[str, Message, frozenset[str], float], Delivery]

#: Apprise's time limits for each step of a delivery (seconds), set on every destination whose URL does not set its
#: own (``?cto=``, ``?rto=``). Apprise's defaults are 4 s for both: a busy webhook (a Teams workflow, a self-hosted
#: hook) answering after 4 s would count as failed, and the next run would send the message it took again.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
#: Apprise gives smtplib one limit, its connect timeout, for connecting and for every reply of the mail server.
#: Mail servers delay their greeting on purpose (Postfix's postscreen waits 6 s), so mail keeps Apprise's 15 s.
MAIL_TIMEOUT = 15.0


#: Query keys of an Apprise URL whose values are addresses or settings, not secrets (they are in Apprise's own
#: warnings: "read timeout=30").
_PLAIN_KEYS = frozenset({"to", "from", "cc", "bcc", "mode", "format", "name", "cto", "rto"})


#: A host part that names a machine: a dotted name or address, ``localhost`` or an IPv6 address in brackets. Any
#: other host part of an Apprise URL is a token (Telegram's ``tgram://BOT_TOKEN/…``, Discord's webhook id).
_HOST_NAME = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+|localhost|\[[0-9A-Fa-f:.]+\]")


def secret_parts(url: str) -> set[str]:
    """The parts of a channel's value that may be secret: user, password, path segments and query values
    (tokens, webhook ids), except the addresses of mail, and a host part that is not a host name (a token);
    host names and ports are not."""
    parts: set[str] = set()
    for one in re.split(r"[\s,]+", url.strip()):
        split = urlsplit(one)
        # Read by hand: urlsplit cannot tell "BOT_ID:TOKEN" (no port) from a host and port.
        host = split.netloc.rpartition("@")[2]
        if host and not _HOST_NAME.fullmatch(re.sub(r":[0-9]*$", "", host)):
            parts.update((host, unquote(host), *host.split(":")))
        for credential in (split.username, split.password):
            if credential:
                parts.update((credential, unquote(credential)))
        for seg in split.path.split("/"):  # as written and decoded: a library may print either
            parts.update((seg, unquote(seg)))
        for pair in split.query.split("&"):
            key, _, value = pair.partition("=")
            if unquote(key).lower() not in _PLAIN_KEYS:
                parts.update((value, unquote_plus(value)))
    return {p for p in parts if len(p) >= 3}


class _Collect(logging.Handler):
    """Apprise's warnings, and the reason it logs only for debugging ("Socket Exception: …": the SMTP
    server's reply, a refused connection), with every part of the URL that may be secret masked."""

    def __init__(self, url: str) -> None:
        super().__init__(logging.DEBUG)
        self.warnings: list[str] = []
        self.reasons: list[str] = []
        self.secrets = sorted(secret_parts(url), key=len, reverse=True)

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.levelno < logging.WARNING and not text.startswith("Socket Exception: "):
            return
        for secret in self.secrets:
            text = text.replace(secret, "****")
        if record.levelno >= logging.WARNING:
            self.warnings.append(text)
        else:
            self.reasons.append(f"({text.removeprefix('Socket Exception: ')})")

    def explanation(self) -> str:
        """What went wrong, then why: 'Sending email to "b@…" failed. ({…: (550, b'…')})'."""
        return " ".join(dict.fromkeys(self.warnings + self.reasons))


def destination_key(plugin: Any) -> str:
    """A stable name of one destination for the ledger that holds no secret: a digest of the URL as
    Apprise prints it in privacy mode (passwords and tokens masked)."""
    return hashlib.sha256(plugin.url(privacy=True).encode("utf-8")).hexdigest()[:16]


def _destinations(url: str) -> list[tuple[str, Any]] | None:
    """The Apprise services of a channel's value (several URLs may be given, separated by spaces or commas),
    each with its :func:`destination_key` and the time limits of :data:`CONNECT_TIMEOUT`, :data:`READ_TIMEOUT`
    (:data:`MAIL_TIMEOUT` for mail) where its URL sets none; None when it holds no URL Apprise can use."""
    import apprise
    from apprise.plugins import url_to_dict
    from apprise.plugins.email import NotifyEmail
    from apprise.utils.parse import parse_urls

    found: list[tuple[str, Any]] = []
    urls = parse_urls(url)
    for one in urls:
        settings = url_to_dict(one, secure_logging=True)
        plugin = None if settings is None else apprise.Apprise.instantiate(settings, asset=_asset())
        if plugin is None:
            return None
        key = destination_key(plugin)  # before the limits are set: the key the URL always had (ledgers keep it)
        if "cto" not in settings:
            plugin.socket_connect_timeout = MAIL_TIMEOUT if isinstance(plugin, NotifyEmail) else CONNECT_TIMEOUT
        if "rto" not in settings:
            plugin.socket_read_timeout = READ_TIMEOUT
        found.append((key, plugin))
    return found or None


def _asset() -> Any:
    import apprise

    # No time limit of Apprise's own (service_timeout): it would wait in a thread of its pool, which the
    # interpreter joins at exit, so a hanging receiver would still hold the job; _within gives up instead.
    return apprise.AppriseAsset(app_id="Sitrep", app_desc="Sitrep status notifications", service_timeout=0)


def shared_destinations(url: str) -> int:
    """How many addresses the channel's one URL with the most of them sends to (``to=a,b``): more than one
    means a retry after one of them refused re-sends to the others."""
    plugins = [plugin for _, plugin in _destinations(url) or []]
    return max((len(getattr(p, "targets", None) or [None]) for p in plugins), default=0)


#: Names of the delivery threads given up on (:func:`_within`): still waiting on a receiver, they may log later,
#: after the run has said why the delivery failed, and unmasked; what they log is dropped.
_GIVEN_UP: set[str] = set()
_THREAD_NUMBERS = itertools.count(1)


class _DropGivenUp(logging.Filter):
    """Drops what a delivery thread given up on logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName not in _GIVEN_UP


def _within(seconds: float, deliver: Callable[[], Any]) -> bool | None:
    """Whether ``deliver()`` succeeded; None when it was still going after ``seconds`` (a receiver that accepts
    and never answers, or trickles: Apprise's limits bound each step, not the whole). It runs in a daemon thread,
    left behind then: the interpreter does not wait for it at exit, so the job is not held."""
    outcome: list[bool] = []

    def work() -> None:
        try:
            outcome.append(bool(deliver()))
        except Exception:  # Apprise catches its services' errors; anything else is a failure, not a traceback
            outcome.append(False)

    worker = threading.Thread(target=work, name=f"sitrep-delivery-{next(_THREAD_NUMBERS)}", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        _GIVEN_UP.add(worker.name)
        return None
    return bool(outcome and outcome[0])


def _limits(plugin: Any) -> str:
    """The per-step time limits a destination had, in words (for a delivery that timed out)."""
    from apprise.plugins.email import NotifyEmail

    if isinstance(plugin, NotifyEmail):
        return f"{plugin.socket_connect_timeout:g} s for each reply of the mail server"
    return f"{plugin.socket_connect_timeout:g} s to connect, {plugin.socket_read_timeout:g} s for the answer"


def apprise_send(url: str, message: Message, done: frozenset[str], timeout: float) -> Delivery:
    """Send with Apprise to each of the channel's URLs not in ``done``, one at a time, so a retry after a
    partial failure goes only to those that did not take it, giving up on one after ``timeout`` seconds.
    Errors are Apprise's own words (and the time limit that ran out), never the URL."""
    import apprise

    logger = logging.getLogger("apprise")
    if not any(isinstance(f, _DropGivenUp) for f in logger.filters):
        logger.addFilter(_DropGivenUp())
    collect = _Collect(url)
    logger.addHandler(collect)
    propagate, logger.propagate = logger.propagate, False
    level = logger.level
    logger.setLevel(logging.DEBUG)  # the reason of a failure is logged at debug level only
    accepted = list(done)
    why: list[str] = []  # a time limit that ran out, said before Apprise's words
    try:
        destinations = _destinations(url)
        if destinations is None:
            return Delivery("the value is not an Apprise URL Apprise can use (see https://appriseit.com/services/)")
        failed = unanswered = False
        for key, plugin in destinations:
            if key in accepted:
                continue
            one = apprise.Apprise(asset=_asset())
            one.add(plugin)
            # A mail service (its preferred format is HTML) gets the HTML letter, Apprise adding the plain-text
            # part from it; anything else the text, even on an email-style channel (a JSON hook gets no markup).
            # The tone colours Slack and Discord attachments (and picks the icon of a Teams card).
            formats = plugin.notify_format if isinstance(plugin.notify_format, tuple) else (plugin.notify_format,)
            html = message.html if message.html and formats[0] == apprise.NotifyFormat.HTML else None
            said = len(collect.warnings), len(collect.reasons)
            delivered = _within(timeout, lambda one=one, html=html: one.notify(
                body=html or message.body, title=message.title,
                body_format=apprise.NotifyFormat.HTML if html else apprise.NotifyFormat.TEXT,
                notify_type=apprise.NotifyType(message.tone)))
            if delivered:
                accepted.append(key)
                continue
            failed = True
            if delivered is None:
                unanswered = True
                why.append(f"{plugin.service_name}: no answer within {timeout:g} s (notify.delivery_timeout), "
                           "given up.")
            elif "timed out" in " ".join(collect.warnings[said[0]:] + collect.reasons[said[1]:]).lower():
                unanswered = True
                why.append(f"{plugin.service_name}: no answer in time ({_limits(plugin)}; ?cto= and ?rto= on "
                           "the channel's URL change them).")
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate
        logger.setLevel(level)
    if not failed:
        return Delivery(None, tuple(accepted))
    return Delivery(" ".join([*why, collect.explanation()]).strip() or "delivery failed", tuple(accepted), unanswered)


# --------------------------------------------------------------------------- the run

@dataclass(frozen=True)
class Outcome:
    """What happened to one event on one channel in this run."""

    channel: str
    event: Event
    action: str  # sent | skipped | covered | expired | dropped | failed | deferred | would-send
    detail: str = ""
    message: Message | None = None
    #: A failed delivery's receiver did not answer in time (see :class:`Delivery`).
    unanswered: bool = False


@dataclass
class Report:
    """What one ``sitrep notify`` run did: an outcome per channel and event, and problems to print."""

    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Whether any delivery failed (the command then exits non-zero)."""
        return any(o.action == "failed" for o in self.outcomes)

    def count(self, action: str) -> int:
        """How many outcomes have this action (sent, skipped, failed...)."""
        return sum(o.action == action for o in self.outcomes)


@dataclass
class _Backfill:
    """An update backfilled into an incident (dated before something later the channels had), and the channels
    whose ledger now has it as ``covered``; ``before``: the earliest of those later moments."""

    event: Event
    before: datetime
    channels: list[str] = field(default_factory=list)

    def add(self, channel: str, before: datetime) -> None:
        self.channels.append(channel)
        self.before = min(self.before, before)


@dataclass
class _Retrospective:
    """An incident recorded retrospectively: its resolution, the earliest whole run that did not have it, the
    channels told nothing of it, the (internal) ones sent its resolution alone and those whose delivery of it
    failed in this run (the next run retries it)."""

    resolved: datetime
    checked: datetime
    #: A maintenance (completed when first in the records), not an incident.
    maintenance: bool = False
    untold: list[str] = field(default_factory=list)
    resolution_only: list[str] = field(default_factory=list)
    resolution_failed: list[str] = field(default_factory=list)


def _filtered_out(channel: Channel, event: Event) -> str | None:
    """Why the channel does not want the event, or None if it does."""
    if event.internal_only and channel.audience != "internal":
        return "internal only"
    if not channel.wants(event.kind):
        return f"{event.kind} not among the channel's events"
    # Any severity the incident has had so far: a channel told of a SEV1 hears its de-escalation and end too.
    if event.severities and not any(channel.wants_severity(s) for s in event.severities):
        return f"severity {'/'.join(s or 'none' for s in event.severities)} not among the channel's severities"
    if channel.components is not None and not set(event.components) & set(channel.components):
        return "no component of the channel affected"
    return None


#: The events telling that an incident or a maintenance is over: all an internal channel hears of one recorded
#: retrospectively (:func:`_retrospective`).
_OVER_KINDS = ("incident.resolved", "maintenance.completed")

#: What an incident tells while it is open; once it is resolved, its resolution says it all.
_OPEN_KINDS = ("incident.declared", "incident.updated", "incident.severity_changed", "incident.impact_changed")


def _superseded(channel: Channel, events: list[Event], ledger: Ledger, now: datetime, max_age: Any,
                first_run: bool) -> set[str]:
    """Events a public channel is about to get together with a later word on the same record, which says
    them: an incident resolved before the channel heard of it gets its resolution, not an "Investigating"
    letter and stale updates in the same minute; a maintenance the channel has not heard of for a while
    gets its latest news (announced 30 minutes ahead: the announcement, not a "starts soon" beside it)."""
    due = [e for e in events if e.incident is not None and not ledger.has(channel.name, e.id)
           and _would_hear(channel, e, now, max_age, first_run)]
    # Said by a later event of this run (a maintenance's completion says it started): superseded too, or the
    # older one, processed first, would go out as a letter of its own before the one that says it.
    said = {cid for e in due for cid in e.covers}
    due = [e for e in due if e.id not in said]
    resolved = {e.incident.id for e in due if e.kind == "incident.resolved" and e.incident is not None}
    out = said | {e.id for e in due if e.kind in _OPEN_KINDS and e.incident is not None and e.incident.id in resolved}
    latest: dict[str, str] = {}
    for e in due:  # oldest first: the last one of each maintenance is its latest news
        if e.kind.startswith("maintenance.") and e.incident is not None:
            if e.incident.id in latest:
                out.add(latest[e.incident.id])
            latest[e.incident.id] = e.id
    return out


def _backfilled(event: Event, ledger: Ledger, channel: str) -> datetime | None:
    """The time of the resolution the channel was sent, when ``event`` is an update dated before it that the
    channel has not had: added to the record after the resolution went out (a missed update backfilled into the
    timeline), so not news. None otherwise (an update after it reopens the incident: news)."""
    if event.kind != "incident.updated" or event.at is None:
        return None
    resolution = ledger.resolution_heard(channel, record_of(event.id))
    return resolution if resolution is not None and event.at < resolution else None


def _latest_had(events: list[Event], ledger: Ledger, channel: str) -> dict[str, datetime]:
    """Per incident (``incident/<id>``), the time of the latest of its updates the channel has, as the records date
    it now: its declaration or an update sent, or an update whose words it was sent under an id since edited (its
    time). A sent update taken out since (``gone``) does not count; nor does one filtered out or dropped."""
    entries = ledger.channels.get(channel, {})
    latest: dict[str, datetime] = {}
    for event in events:
        if event.kind not in ("incident.declared", "incident.updated") or event.at is None:
            continue
        info = entries.get(event.id)
        if info and "gone" not in info and (info.get("outcome") == "sent" or "said" in info):
            record = record_of(event.id)
            latest[record] = max(latest.get(record, event.at), event.at)
    return latest


def _backfilled_open(event: Event, latest_had: Mapping[str, datetime]) -> datetime | None:
    """The time of the latest update of its incident the channel has (:func:`_latest_had`), when ``event`` is an
    update dated before it that the channel has not had: added to the record after a later update went out (a
    forgotten 02:10 update written in after the 02:30 one was sent), so not news: sent now, it would tell the
    channel an older status after a newer one. None otherwise."""
    if event.kind != "incident.updated" or event.at is None:
        return None
    latest = latest_had.get(record_of(event.id))
    return latest if latest is not None and event.at < latest else None


def _retrospective(events: list[Event], ledger: Ledger, channel: str, after: timedelta
                   ) -> dict[str, tuple[datetime, datetime, bool]]:
    """The incidents (and maintenance) recorded retrospectively for the channel, each with its resolution's (or
    completion's) time, the channel's last whole run and whether it is a maintenance: over more than ``after``
    (``notify.retrospective_after``) before that run, which did not have them (the channel has seen nothing of them,
    but as such), so they were written into the records after the fact (an incident handled in chat at 02:00 and
    written up at 09:00, an upgrade done under a change ticket and recorded in the morning), not declared and
    resolved (announced and completed) between two runs (news). A channel without a whole run before cannot tell:
    its first run has ``max_age``."""
    checked = ledger.last_checked(channel)
    if checked is None:
        return {}
    seen = ledger.seen(channel)
    return {event.incident.id: (event.at, checked, event.incident.is_maintenance) for event in events
            if event.kind in _OVER_KINDS and event.incident is not None and event.at is not None
            and record_of(event.id) not in seen and checked - event.at > after}


def _too_old(event: Event, now: datetime, max_age: Any, first_run: bool) -> bool:
    if event.at is None:  # the records do not say when a postmortem was published
        return first_run
    return now - event.at > max_age


def _would_hear(channel: Channel, event: Event, now: datetime, max_age: Any, first_run: bool) -> bool:
    """Whether the channel would be sent the event, but for what it has had: recent enough, and wanted."""
    return not _too_old(event, now, max_age, first_run) and _filtered_out(channel, event) is None


def skip_command(event_id: str, channel: str | None = None) -> str:
    """The command that drops an undeliverable event (what a failure and ``--status`` tell the on-call)."""
    where = f" --channel {channel}" if channel else ""
    return f"sitrep notify --skip {event_id}{where}"


def _drops(skip: tuple[str, ...], only: tuple[str, ...], ledger: Ledger, channels: list[Channel],
           events_of: Mapping[str, list[Event]]) -> dict[str, set[str]]:
    """Per channel, the events of ``skip`` to record ``dropped``: where the event is stuck (a failed delivery
    recorded), or on a channel named with ``--channel`` that has not had it. Refuses an id that is neither."""
    drops: dict[str, set[str]] = {}
    for event_id in skip:
        found = False
        for channel in channels:
            if only and channel.name not in only:
                continue
            if ledger.has(channel.name, event_id):
                found = found or ledger.channels[channel.name][event_id]["outcome"] == "dropped"
                continue
            stuck = event_id in ledger.failing.get(channel.name, {})
            named = channel.name in only and any(e.id == event_id for e in events_of[channel.audience])
            if stuck or named:
                drops.setdefault(channel.name, set()).add(event_id)
                found = True
        if not found:
            held = ", ".join(f"{s.event_id} ({s.channel})" for s in ledger.stuck()) or "none"
            raise NotifyError(f"--skip {event_id}: no channel is held back by this event (stuck now: {held}); "
                              "`sitrep notify --status` lists them, or name the channel with --channel NAME")
    return drops


def run(portal: Portal, now: datetime, ledger: Ledger, *, environ: Mapping[str, str],
        templates_dir: Path | None = None, dry_run: bool = False, only: tuple[str, ...] = (),
        skip: tuple[str, ...] = (), send: Sender = apprise_send) -> Report:
    """Deliver every new event to every channel (or those named in ``only``); update the ledger.

    ``portal`` is the whole (internal) portal; each channel gets its audience's
    edition. With ``dry_run`` nothing is sent or recorded: the report holds the
    messages that would go out. The events in ``skip`` are recorded ``dropped``
    (never sent) on the channels they hold back, so the later ones go out.
    """
    report = Report()
    settings = portal.config.notify
    env = message_env(templates_dir)
    editions = {"internal": portal, "public": portal.for_audience("public")}
    events_of = {aud: derive_events(edition, now) for aud, edition in editions.items()}
    drops = _drops(skip, only, ledger, settings.channels, events_of)
    # (audience, incident id) -> the incident's state at ``now``: derived once, not once per event (a record
    # of 1,000 updates has 1,000 events, and deriving its state reads every update).
    states: dict[tuple[str, str], IncidentState] = {}
    # Updates added after the channels named were told of a later moment of the incident (its resolution, or a
    # later update), by (event id, whether it was the resolution): said once for the run.
    backfilled: dict[tuple[str, bool], _Backfill] = {}
    # Incidents recorded retrospectively, by id: said once for the run.
    retrospective: dict[str, _Retrospective] = {}
    for channel in settings.channels:
        if only and channel.name not in only:
            continue
        url = environ.get(channel.url_env, "").strip()
        if not url and not dry_run:
            report.problems.append(f"channel {channel.name!r}: the environment variable {channel.url_env} is not "
                                   "set, so nothing was sent to it (add it as a secret of the notify step)")
            continue
        if not url:  # a dry run on a machine without the secrets: show the messages, and that they would not go
            report.problems.append(f"channel {channel.name!r}: the environment variable {channel.url_env} is not "
                                   "set here, so a real run would send it nothing; shown is what it would send "
                                   "with it")
        edition = editions[channel.audience]
        # The update each incident was declared with to this channel: one written in before it since (backfilled)
        # does not make it an update, sent again.
        events = events_of[channel.audience]
        if declared := ledger.declared_with(channel.name, events, keep=not dry_run):
            events = declared_as(edition, events, declared, now)
        # Only Apprise URLs can be looked into (a test's sender gets other strings).
        if not dry_run and send is apprise_send and (shared := shared_destinations(url)) > 1:
            report.problems.append(
                f"channel {channel.name!r}: one URL in {channel.url_env} sends to {shared} addresses; if one refuses "
                "a message, its retry goes to all of them again: write one URL per address (separated by a "
                "space), or use one list address")
        # A channel the ledger has never seen (a first run, a new channel, a lost ledger) gets only recent events.
        first_run = channel.name not in ledger.channels
        if not dry_run:
            ledger.channels.setdefault(channel.name, {})
        covered: set[str] = set()
        blocked: str | None = None  # the event that failed: the channel's later ones wait for it
        blocked_covers: set[str] = set()
        superseded = _superseded(channel, events, ledger, now, settings.max_age,
                                 first_run) if channel.audience == "public" else set()
        # When the channel last heard each incident is open (an update, a reminder): a resolution it had before
        # that was taken back (reopened by hand, or its commit reverted), so the one in the record now is news.
        told = ledger.told_open(channel.name)
        current = {e.id for e in events}
        if not dry_run:
            # A sent update gone with nothing saying its words in its place was taken out, not edited (its time).
            ledger.mark_gone(channel.name, current, {
                (record_of(e.id), digest) for e in events
                if (digest := words_digest(e)) is not None and not ledger.has(channel.name, e.id)}, now)
        said_before = ledger.said_before(channel.name, current)
        # The latest update of each incident the channel has: one dated before it, added since, is backfilled.
        latest_had = _latest_had(events, ledger, channel.name)
        # Incidents written into the records after the fact: a public channel hears nothing of them, an internal
        # one their resolution alone (which says what happened and that a postmortem is due), marked so.
        retro = _retrospective(events, ledger, channel.name, settings.retrospective_after)
        retro_untold: set[str] = set()  # of those, the ones this channel would have heard of otherwise
        retro_resolved: set[str] = set()  # and those whose resolution it is sent
        retro_failed: set[str] = set()  # or failed to take
        for event in events:
            if ledger.has(channel.name, event.id) and not (
                    event.kind == "incident.resolved"
                    and told.get(record_of(event.id), "") > ledger.channels[channel.name][event.id].get("at", "")):
                # What an earlier run's message said stays said: a retry after a failure (or a skip) must not
                # send the severity and impact the declaration covered, after the updates.
                if ledger.channels[channel.name][event.id].get("outcome") != "skipped":
                    covered.update(event.covers)
                continue
            if blocked:
                # What the failed message, or one waiting behind it, says (the severity and impact a declaration
                # gives) is not a message of its own waiting: it will be covered.
                if event.id not in covered and event.id not in blocked_covers:
                    report.outcomes.append(Outcome(channel.name, event, "deferred", f"waits for {blocked}"))
                    blocked_covers.update(event.covers)
                continue
            words_moved = False  # the event has the words of an update sent before under another id
            in_retro = (event.incident is not None and event.kind.startswith(("incident.", "maintenance."))
                        and event.incident.id in retro)
            if event.id in drops.get(channel.name, ()):
                action, detail = "dropped", "skipped by the on-call (--skip): never sent"
            elif in_retro and (channel.audience == "public" or event.kind not in _OVER_KINDS):
                assert event.incident is not None
                action, detail = "covered", (f"recorded retrospectively: over "
                                             f"{human_time(retro[event.incident.id][0])}, in the records only after")
                if _would_hear(channel, event, now, settings.max_age, first_run):
                    retro_untold.add(event.incident.id)
            elif event.id in covered:
                action, detail = "covered", "said by an earlier message"
            elif event.id in superseded:
                action, detail = "covered", "a later message of this run says it"
            elif said_before.get((record_of(event.id), words_digest(event))):
                # The same words under an id the records no longer give: the update itself, edited. Matched once
                # (its words move to the new id), so a later update saying the same again is sent.
                earlier = said_before[(record_of(event.id), words_digest(event))].pop(0)
                action, detail = "covered", f"sent before as {earlier}: the update was edited (its time) since"
                words_moved = True
                if not dry_run:
                    del ledger.channels[channel.name][earlier]["said"]
            elif (resolution := _backfilled(event, ledger, channel.name)) is not None:
                # Not news: the channel was told the incident was over after this, and hears nothing of it now
                # (nor of the severity and impact it gave). Said once for the run, naming the channels.
                action, detail = "covered", (f"backfilled: dated {human_time(event.at or now)}, before the "
                                             f"resolution the channel had ({human_time(resolution)})")
                if _would_hear(channel, event, now, settings.max_age, first_run):
                    backfilled.setdefault((event.id, True), _Backfill(event, resolution)).add(channel.name,
                                                                                              resolution)
            elif (later := _backfilled_open(event, latest_had)) is not None:
                # Not news either: the channel has a later status of the incident, which still stands. A severity
                # or impact it gave is not announced on its own (a status page notifies nobody of a component's
                # status without an update): the page shows it, and so does the next update's message.
                action, detail = "covered", (f"backfilled: dated {human_time(event.at or now)}, before an update "
                                             f"the channel had ({human_time(later)})")
                if _would_hear(channel, event, now, settings.max_age, first_run):
                    backfilled.setdefault((event.id, False), _Backfill(event, later)).add(channel.name, later)
            elif _too_old(event, now, settings.max_age, first_run):
                action, detail = "expired", "older than notify.max_age" if event.at else "first run"
            elif (why := _filtered_out(channel, event)) is not None:
                action, detail = "skipped", why
            else:
                action, detail = "send", ""
            message = None
            if action == "send":
                derived = None
                if event.incident is not None:
                    key = (channel.audience, event.incident.id)
                    if key not in states:
                        states[key] = incident_state(event.incident, edition, now)
                    derived = states[key]
                message = render_message(env, edition, event, channel.style, channel.audience, now, derived,
                                         retrospective=in_retro)
                if dry_run:
                    action = "would-send"
                else:
                    delivery = send(url, message, ledger.delivered_to(channel.name, event.id),
                                    settings.delivery_timeout.total_seconds())
                    if delivery.error is not None:
                        report.outcomes.append(Outcome(channel.name, event, "failed", delivery.error, message,
                                                        delivery.unanswered))
                        # Who has it keeps it: the retry goes only to the destinations that did not take it.
                        ledger.record_partial(channel.name, event.id, delivery.accepted)
                        ledger.record_failure(channel.name, event.id, delivery.error, now)
                        ledger.save()
                        blocked, blocked_covers = event.id, set(event.covers)
                        if in_retro and event.incident is not None:
                            retro_failed.add(event.incident.id)
                        continue
                    action = "sent"
                if in_retro and event.incident is not None:
                    retro_resolved.add(event.incident.id)
            report.outcomes.append(Outcome(channel.name, event, action, detail, message))
            # A message the channel does not want says nothing for it; a dropped one takes what it would have said
            # with it (an "impact changed" after the resolution would only confuse).
            if action != "skipped":
                covered.update(event.covers)
            if not dry_run:
                ledger.record(channel.name, event.id, action, now,
                              words_digest(event) if action == "sent" or words_moved else None,
                              event.at if action == "sent" and event.kind == "incident.resolved" else None,
                              retrospective=in_retro,
                              update=_update_id(event) if event.kind == "incident.declared" else None)
                if action in ("sent", "dropped"):
                    ledger.save()  # right away: a crash after this point cannot resend it
            if action in ("sent", "would-send") and _OPEN_AGAIN_ID.match(event.id):
                told[record_of(event.id)] = iso_z(now.replace(microsecond=0))  # as the ledger records it
        if not dry_run:
            # A failure of an event the records no longer give (an update edited away) holds nothing back: the
            # ledger forgets it, and a skip of it is recorded all the same.
            for event_id in drops.get(channel.name, set()) - current:
                ledger.record(channel.name, event_id, "dropped", now)
            for event_id in set(ledger.failing.get(channel.name, {})) - current:
                del ledger.failing[channel.name][event_id]
            if blocked is None:  # every event looked at: what the records did not have now, they did not have
                ledger.checked[channel.name] = iso_z(now.replace(microsecond=0))
        for incident_id in retro_untold | retro_resolved | retro_failed:
            resolved_at, checked, maintenance = retro[incident_id]
            note = retrospective.setdefault(incident_id, _Retrospective(resolved_at, checked, maintenance))
            note.checked = min(note.checked, checked)
            (note.resolution_only if incident_id in retro_resolved else
             note.resolution_failed if incident_id in retro_failed else note.untold).append(channel.name)
    for (event_id, after_resolution), note in backfilled.items():
        # New to the channels, dated before what they were told last: backfilled (or its status edited, which
        # gives it a new id). Either way the timeline is the place for it.
        names = ", ".join(map(repr, note.channels))
        later = (f"the resolution was sent to {names}, and dated before it ({human_time(note.event.at or now)}; "
                 f"resolved {human_time(note.before)})" if after_resolution else
                 f"a later update was sent to {names}, and dated before it ({human_time(note.event.at or now)}; "
                 f"that update {human_time(note.before)})")
        report.problems.append(f"{event_id}: in the record only since {later}: a backfilled update, not news, so "
                               "not sent; the incident's timeline on its page shows it")
    for incident_id, retro_note in retrospective.items():
        kind, over, end = (("maintenance", "completed", "completion") if retro_note.maintenance else
                           ("incident", "resolved", "resolution"))
        heard = [f"not announced to {', '.join(map(repr, retro_note.untold))}"] if retro_note.untold else []
        if retro_note.resolution_only:
            heard.append(f"{', '.join(map(repr, retro_note.resolution_only))} sent its {end} alone, marked so")
        if retro_note.resolution_failed:
            heard.append(f"{', '.join(map(repr, retro_note.resolution_failed))} "
                         f"{'is' if len(retro_note.resolution_failed) == 1 else 'are'} to get its {end} alone, "
                         "marked so, which failed to go out (the next run retries it)")
        report.problems.append(
            f"{kind}/{incident_id}: already {over} when first in the records: {over} "
            f"{human_time(retro_note.resolved)}, and a run at {human_time(retro_note.checked)} "
            f"({format_duration(retro_note.checked - retro_note.resolved)} later) did not have it yet, more than "
            f"notify.retrospective_after ({format_duration(settings.retrospective_after)}): recorded "
            f"retrospectively, not news, so {'; '.join(heard)}")
    if not dry_run:
        ledger.save()
    return report
