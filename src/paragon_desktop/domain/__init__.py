"""Plain-Python rules of Paragon (see shared/DOMAIN.md). No Qt, no database, no I/O."""
