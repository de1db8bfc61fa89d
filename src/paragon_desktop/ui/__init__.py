"""Qt widgets. The only package (with app.py) that imports PySide6."""
