"""PySide6 6.12.0 on CPython 3.11 aborts after a few thousand signal emits (a refcount bug).
The pins in pyproject.toml avoid it; this test keeps them honest."""

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    from PySide6.QtCore import QCoreApplication, QObject, Signal

    class Emitter(QObject):
        sig_value = Signal(object)
        sig_text = Signal(str)

    app = QCoreApplication([])
    emitter = Emitter()
    seen = []
    emitter.sig_value.connect(lambda value: seen.append(value))
    emitter.sig_text.connect(lambda text: seen.append(text))
    for i in range(10_000):
        emitter.sig_value.emit({"i": i})
        emitter.sig_text.emit(str(i))
    print(len(seen))
    """
)


def test_twenty_thousand_signal_emits_in_a_subprocess_survive():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "20000"
