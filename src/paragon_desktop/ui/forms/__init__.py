"""Python compiled from the Qt Designer forms in the repository's ``ui/`` folder.

Do not edit these modules: edit ``ui/*.ui`` in Qt Designer (``pyside6-designer``) and run
``make forms``. A test fails when a form and its module disagree.
"""
