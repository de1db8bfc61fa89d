"""User settings and where the app keeps its files (platformdirs; overridable for tests)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP = "paragon-desktop"
DEFAULT_REFRESH_SECONDS = 50
# The map refreshes at least every 50 seconds (DOMAIN.md, Map); faster is allowed.
MIN_REFRESH_SECONDS, MAX_REFRESH_SECONDS = 5, 50
DEFAULT_MAX_LAYER_MB = 200
DEFAULT_LOCK_MINUTES = 10
MIN_LOCK_MINUTES, MAX_LOCK_MINUTES = 1, 120


def data_dir() -> Path:
    return Path(os.environ.get("PARAGON_DATA_DIR") or user_data_dir(APP, False))


def config_dir() -> Path:
    return Path(os.environ.get("PARAGON_CONFIG_DIR") or user_config_dir(APP, False))


def default_database_path() -> Path:
    return data_dir() / "paragon.db"


@dataclass
class Settings:
    # An online tile source, e.g. https://tile.example.org/{z}/{x}/{y}.png. None: offline.
    tile_url: str | None = None
    tile_attribution: str = ""
    refresh_seconds: int = DEFAULT_REFRESH_SECONDS
    # Layer files (and what archives unpack to) larger than this are refused.
    max_layer_mb: int = DEFAULT_MAX_LAYER_MB
    # The user name last used to sign in to a shared server (the password is in the keyring).
    last_username: str = ""
    # "nl", "fr" or "en"; empty: the computer's language (Dutch when it is none of these).
    language: str = ""
    # Minutes without keyboard or mouse input before the window locks (§1: never unattended).
    lock_minutes: int = DEFAULT_LOCK_MINUTES
    # Hosts of partners' map services this user allowed (added a layer from, or said yes to):
    # the only ones, with the tile source, the map may reach.
    service_hosts: list[str] = field(default_factory=list)
    # The organisation's mail server for the GDPR mails to contacts (empty: none, the app lists
    # the mails to send by hand). Its password is asked when sending, never stored.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"  # "starttls", "ssl" or "none"
    smtp_sender: str = ""
    smtp_username: str = ""

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        path = path or config_dir() / "settings.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(raw, dict):
            return cls()
        known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__}
        settings = cls(**known)
        try:
            seconds = int(settings.refresh_seconds)
        except (TypeError, ValueError):
            seconds = DEFAULT_REFRESH_SECONDS
        settings.refresh_seconds = min(MAX_REFRESH_SECONDS, max(MIN_REFRESH_SECONDS, seconds))
        settings.tile_url = str(settings.tile_url or "").strip() or None
        try:
            settings.lock_minutes = min(MAX_LOCK_MINUTES, max(MIN_LOCK_MINUTES,
                                                              int(settings.lock_minutes)))
        except (TypeError, ValueError):
            settings.lock_minutes = DEFAULT_LOCK_MINUTES
        hosts = settings.service_hosts if isinstance(settings.service_hosts, list) else []
        settings.service_hosts = sorted({str(h).strip().lower() for h in hosts if str(h).strip()})
        if settings.language not in ("", "nl", "fr", "en"):
            settings.language = ""
        settings.smtp_host = str(settings.smtp_host or "").strip()
        settings.smtp_sender = str(settings.smtp_sender or "").strip()
        settings.smtp_username = str(settings.smtp_username or "").strip()
        if settings.smtp_security not in ("starttls", "ssl", "none"):
            settings.smtp_security = "starttls"
        try:
            settings.smtp_port = min(65535, max(1, int(settings.smtp_port)))
        except (TypeError, ValueError):
            settings.smtp_port = 587
        try:
            settings.max_layer_mb = min(4000, max(1, int(settings.max_layer_mb)))
        except (TypeError, ValueError):
            settings.max_layer_mb = DEFAULT_MAX_LAYER_MB
        return settings

    @property
    def max_layer_bytes(self) -> int:
        return int(self.max_layer_mb) * 1_000_000

    def save(self, path: Path | None = None) -> None:
        path = path or config_dir() / "settings.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
