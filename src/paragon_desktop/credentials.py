"""Database passwords in the system keyring (never in a file of ours); without a usable
keyring the app asks every time."""

from __future__ import annotations

from sqlalchemy.engine import URL

SERVICE = "paragon-desktop"


def account(url: URL, username: str) -> str:
    """One entry per user and server database: the same name may exist on two servers."""
    return f"{username}@{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def keyring_available() -> bool:
    try:
        import keyring
        from keyring.backends import fail, null
    except ImportError:
        return False
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration: behave as if there were none
        return False
    return not isinstance(backend, fail.Keyring | null.Keyring)


def load_password(url: URL, username: str) -> str | None:
    if not username or not keyring_available():
        return None
    import keyring

    try:
        return keyring.get_password(SERVICE, account(url, username))
    except Exception:  # locked or refused keyring: ask instead
        return None


def save_password(url: URL, username: str, password: str) -> bool:
    """Keep the password in the keyring; False when there is none (nothing is written then)."""
    if not keyring_available():
        return False
    import keyring

    try:
        keyring.set_password(SERVICE, account(url, username), password)
    except Exception:
        return False
    return True


def forget_password(url: URL, username: str) -> None:
    if not keyring_available():
        return
    import keyring

    try:
        keyring.delete_password(SERVICE, account(url, username))
    except Exception:
        pass
