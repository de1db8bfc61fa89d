"""Service tests run on SQLite, on PostgreSQL as the owner, and on PostgreSQL with every call on
the acting user's own login role (row-level security)."""

from __future__ import annotations

import pytest

from tests.conftest import SERVICE_BACKENDS


@pytest.fixture(params=SERVICE_BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)
