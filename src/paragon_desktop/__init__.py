"""Paragon Desktop: a Qt desktop client for Paragon, the Belgian national safety portal."""

__version__ = "0.1.0"
