"""No network request leaves the machine unless the user configured an online tile source or
added a layer from a partner's map service (then exactly those hosts)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit

from PySide6.QtWebEngineCore import QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor

LOCAL_SCHEMES = frozenset({"paragon", "qrc", "data", "blob", "about"})


def allowed_host(tile_url: str | None) -> re.Pattern[str] | None:
    """The tile source's host as a pattern; ``{s}`` stands for any subdomain letter."""
    if not tile_url:
        return None
    host = urlsplit(tile_url.replace("{s}", "SUBDOMAIN")).hostname
    if not host:
        return None
    return re.compile(re.escape(host.lower()).replace("subdomain", "[a-z0-9-]+") + r"\Z")


class NetworkGuard(QWebEngineUrlRequestInterceptor):
    """Blocks every request that is not local, except to the configured tile host.

    Runs on Chromium's IO thread, so it only reads immutable state and a locked list.
    """

    def __init__(self, tile_url: str | None = None, parent=None,
                 service_hosts: Iterable[str] = ()) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._tile_host = allowed_host(tile_url)
        self._service_hosts = frozenset(h.lower() for h in service_hosts)
        self.blocked: list[str] = []

    def set_tile_url(self, tile_url: str | None) -> None:
        self._tile_host = allowed_host(tile_url)

    def set_service_hosts(self, hosts: Iterable[str]) -> None:
        # One assignment of an immutable set: the IO thread sees the old or the new one.
        self._service_hosts = frozenset(h.lower() for h in hosts)

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 (Qt API)
        url = info.requestUrl()
        if url.scheme() in LOCAL_SCHEMES:
            return
        host = url.host().lower()
        tile_host = self._tile_host
        if url.scheme() in ("https", "http") and (
                (tile_host and tile_host.match(host)) or host in self._service_hosts):
            return
        with self._lock:
            self.blocked.append(url.toString())
        info.block(True)
