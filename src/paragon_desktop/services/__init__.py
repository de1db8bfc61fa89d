"""Use cases with transaction boundaries and permission checks. No Qt."""
