"""SQLAlchemy models, engine factory, migrations and queries. No Qt."""
