"""Service tests run on SQLite, on PostgreSQL as the owner, and on PostgreSQL with every call on
the acting user's own login role (row-level security)."""

from __future__ import annotations

import pytest

from tests.conftest import SERVICE_BACKENDS


@pytest.fixture(params=SERVICE_BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The login-role variant only where services act for a user (the ``client`` fixture);
    elsewhere it would repeat the owner's PostgreSQL run."""
    keep, drop = [], []
    for item in items:
        login = "[postgresql-login" in item.nodeid or "-postgresql-login" in item.nodeid
        uses_client = "client" in getattr(item, "fixturenames", ())
        (drop if login and not uses_client else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
