"""Real receivers on loopback for the notification tests: an SMTP server and HTTP(S) endpoints.

* :class:`Mailbox`: aiosmtpd's SMTP server on 127.0.0.1; every message it accepts
  is parsed with :mod:`email`.
* :func:`http_receiver` / :func:`https_receiver`: pytest-httpserver on 127.0.0.1
  (HTTPS with the self-signed loopback certificate in ``fixtures/tls``, for
  Apprise's ``workflows://`` Teams plugin, which always speaks HTTPS).
* :class:`Silent`: a receiver on 127.0.0.1 that accepts every connection and never
  says a word (a hung webhook, a mail server that never greets), or drips one
  byte a second and never finishes a line: what a dead receiver does to a run.
* :func:`loopback_only`: any connection to another host fails the test, so a
  misconfigured URL can never reach a real service.

Apprise's ``slack://`` and ``discord://`` plugins always post to hooks.slack.com and
discord.com; :func:`point_slack_and_discord_at` sets those two plugins' endpoint
(a class attribute) to the loopback receiver, so the payload is still the one
Apprise builds for the real services.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import socket
import ssl
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

TLS_DIR = Path(__file__).parent.parent / "fixtures" / "tls"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """An SMTP server on loopback that keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def url(self, to: str = "customers@smartbeak.example") -> str:
        return f"mailto://127.0.0.1:{self.port}?from=status@smartbeak.example&to={to}&mode=insecure"

    def __enter__(self) -> Mailbox:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


class Silent:
    """A TCP server on loopback that accepts connections and never answers; with ``drip``, it sends a byte a
    second instead, never a whole line (no per-read timeout ever runs out: only a limit on the whole does)."""

    def __init__(self, drip: bool = False) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.drip = drip
        self.connections: list[socket.socket] = []
        self.closed = threading.Event()
        self.thread = threading.Thread(target=self._accept, name="silent-receiver", daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:  # closed: the test is over
                return
            self.connections.append(connection)
            if self.drip:
                threading.Thread(target=self._drip, args=(connection,), daemon=True).start()

    def _drip(self, connection: socket.socket) -> None:
        while not self.closed.wait(1.0):
            try:
                connection.sendall(b"2")
            except OSError:
                return

    def __enter__(self) -> Silent:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closed.set()
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the accept() waiting in the thread
        self.server.close()
        for connection in self.connections:
            connection.close()


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    assert part is not None
    return part.get_content().replace("\r\n", "\n")


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail on any connection to a host other than 127.0.0.1 (and refuse DNS for names)."""
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost") and self.family in (
                socket.AF_INET, socket.AF_INET6):
            raise AssertionError(f"a test tried to connect to {host}: only loopback is allowed")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def http_receiver() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=free_port())
    server.start()
    yield server
    if server.is_running():
        server.stop()


@pytest.fixture
def https_receiver() -> Iterator[HTTPServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(TLS_DIR / "loopback-cert.pem", TLS_DIR / "loopback-key.pem")
    server = HTTPServer(host="127.0.0.1", port=free_port(), ssl_context=context)
    server.start()
    yield server
    server.stop()


def point_slack_and_discord_at(monkeypatch: pytest.MonkeyPatch, server: HTTPServer) -> None:
    """Apprise's Slack and Discord plugins post to ``server`` instead of their fixed hosts."""
    from apprise.plugins.discord import NotifyDiscord
    from apprise.plugins.slack import NotifySlack

    monkeypatch.setattr(NotifySlack, "webhook_url", server.url_for("/services"))
    monkeypatch.setattr(NotifyDiscord, "notify_url", server.url_for("/api/webhooks"))


def json_bodies(server: HTTPServer, path: str) -> list[Any]:
    """Every JSON body posted to ``path``, in order."""
    import json

    return [json.loads(req.get_data(as_text=True)) for req, _ in server.log if req.path == path]
