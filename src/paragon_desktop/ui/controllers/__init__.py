"""The main window's controllers: each owns a dock (or a menu, or the connection), its actions
and its calls into services, and sees the window only through a ``WindowContext``."""
