"""Reading layer files in a separate, locked-down process that Cancel can really stop.

A hostile file can at worst fail its own import: the reader process has no network (see
``sandbox``), a memory and CPU limit, and the parent kills it on Cancel or when it runs past its
time limit. GDAL no longer holds the app's GIL while it parses, so the GUI does not stall.

One process reads one file and exits. To hide Python's start-up (about 0.4 s importing numpy,
shapely, pyproj and GDAL) a spare process is started ahead and waits on its stdin; taking it
starts the next spare.

The wire format is deliberately not pickle: a process that read a hostile file is not trusted
to send objects. Frames are ``kind (1 byte) + length (4 bytes) + payload``: ``P`` progress (JSON),
``E`` refusal (JSON), ``R`` result (JSON header, a NUL, then the GeoJSON text).
"""

from __future__ import annotations

import codecs
import json
import mmap
import os
import selectors
import signal
import struct
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from paragon_desktop import i18n
from paragon_desktop.gis.safety import LayerReadError

Progress = Callable[[float, str], None]

DEFAULT_TIME_LIMIT = 120.0
# The most a read may use (see memory_for): three quarters of the machine's memory, at most 16 GB.
DEFAULT_MEMORY_LIMIT = min(16 * 1024**3,
                           int(0.75 * os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")))
BASE_MEMORY = 1024**3
# Names of environment variables the reader does not get (database passwords, tokens).
_SECRET_MARKERS = ("PASSWORD", "SECRET", "TOKEN", "KEY", "CREDENTIAL")
_HEADER = struct.Struct(">cI")


def _child_env() -> dict[str, str]:
    env = {}
    for key, value in os.environ.items():
        upper = key.upper()
        if upper.startswith("PG") or any(marker in upper for marker in _SECRET_MARKERS):
            continue
        env[key] = value
    return env


READER_FLAG = "--paragon-layer-reader"


def reader_command() -> list[str]:
    """How to start a reader: this Python with the module, or, in a bundled app (PyInstaller),
    the app's own executable with a flag its entry point answers (cli.main)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, READER_FLAG]
    return [sys.executable, "-m", "paragon_desktop.gis.reader"]


class _Child:
    """One reader process, started now, waiting for its request."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            reader_command(),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=_child_env(), close_fds=True, start_new_session=True,
        )
        self.started = time.monotonic()

    def kill(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


class LayerReader:
    """Reads layer files through reader processes; ``read`` is called on a worker thread."""

    def __init__(self, *, time_limit: float = DEFAULT_TIME_LIMIT,
                 memory_limit: int = DEFAULT_MEMORY_LIMIT, spare: bool = True) -> None:
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        self._keep_spare = spare
        self._spare: _Child | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._warm = False
        self.last_pid: int | None = None

    def warm_up(self) -> None:
        """Start the spare process now (it imports while the user chooses a file); from now on a
        new spare is started after each read."""
        with self._lock:
            self._warm = self._keep_spare
            if self._spare is None and not self._closed and self._keep_spare:
                self._spare = _Child()

    def cool_down(self) -> None:
        """No read expected soon (an import ended, its dialog was closed): the spare process
        ends and none is started after reads, until ``warm_up`` again. A waiting spare holds
        about 57 MB of the computer's memory."""
        with self._lock:
            self._warm = False
            spare, self._spare = self._spare, None
        if spare is not None:
            spare.kill()

    def _take(self) -> _Child:
        with self._lock:
            if self._closed:
                raise LayerReadError("The layer reader is closed.")
            child = self._spare if self._spare and self._spare.process.poll() is None else None
            self._spare = _Child() if self._warm else None
        return child or _Child()

    def __enter__(self) -> LayerReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            spare, self._spare = self._spare, None
        if spare is not None:
            spare.kill()

    def read(self, path: str | Path, *, crs: str | None = None, max_bytes: int,
             progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> Any:
        """Read one file; returns a ``LayerRead``. Raises ``LayerReadError`` (with the reason,
        including the time and memory limits) or ``LayerReadCancelled``."""
        from paragon_desktop.gis.layers import LayerRead, LayerReadCancelled

        path = Path(path)
        child = self._take()
        self.last_pid = child.process.pid
        # The user's language: the reader writes its warnings in it (refusals travel as
        # template and fields).
        request = {"path": str(path.resolve()), "crs": crs, "max_bytes": max_bytes,
                   "memory": self.memory_limit, "cpu": int(self.time_limit) + 5,
                   "language": i18n.language()}
        deadline = time.monotonic() + self.time_limit
        frames: _Frames | None = None
        try:
            assert child.process.stdin is not None
            assert child.process.stdout is not None
            try:
                child.process.stdin.write(json.dumps(request).encode() + b"\n")
                child.process.stdin.flush()
            except BrokenPipeError:
                pass  # the child died before reading: reported below from its exit
            frames = _Frames(child.process.stdout)
            while True:
                if cancelled is not None and cancelled():
                    raise LayerReadCancelled("{name}: import cancelled.",
                                             name=path.name)
                if time.monotonic() > deadline:
                    raise LayerReadError(
                        "{name}: reading took longer than {time_limit:.0f} s and was stopped. A "
                        "normal layer file reads in seconds; this one may hold a query that never "
                        "ends (a GeoPackage view) or be far too large.",
                        name=path.name, time_limit=self.time_limit
                    )
                frame = frames.next(0.05)
                if frame is None:
                    if frames.closed:
                        raise self._died(path, child)
                    continue
                kind, payload = frame
                if kind == b"P":
                    fraction, stage = json.loads(bytes(payload))
                    if progress is not None:
                        progress(float(fraction), str(stage))
                elif kind == b"E":
                    # Template and fields, not text: the app shows it in the user's language.
                    refusal = json.loads(bytes(payload))
                    raise LayerReadError(str(refusal["template"]), **dict(refusal["params"]))
                elif kind == b"R":
                    # Header, NUL, the GeoJSON: kept as the UTF-8 it came in (stored and shown
                    # as it is), checked in pieces.
                    cut = payload.find(b"\0")
                    meta = json.loads(bytes(payload[:cut]))
                    bbox = meta["bbox"]
                    utf8 = memoryview(payload)[cut + 1:]
                    if not is_utf8(utf8):
                        raise LayerReadError("{name}: the reader sent back damaged text. Nothing "
                                             "was added; try again.", name=path.name)
                    return LayerRead(
                        geojson=None, utf8=utf8,
                        feature_count=int(meta["feature_count"]),
                        bbox=tuple(float(v) for v in bbox) if bbox else None,  # type: ignore[arg-type]
                        source_crs=str(meta["source_crs"]), source_format=str(meta["source_format"]),
                        geometry_types={str(k): int(v) for k, v in meta["geometry_types"].items()},
                        warnings=[str(w) for w in meta["warnings"]])
        finally:
            if frames is not None:
                frames.close()
            child.kill()

    def _died(self, path: Path, child: _Child) -> LayerReadError:
        code = child.process.wait()
        if code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
            what = {-signal.SIGKILL: "was stopped", -signal.SIGSEGV: "crashed",
                    -signal.SIGABRT: "aborted", -signal.SIGBUS: "crashed"}[code]
            return LayerReadError(
                "{name}: the reader {what} while reading this file (it may need more than the "
                "{limit:.1f} GB memory limit, or be made to break readers). Nothing was added.",
                name=path.name, what=what, limit=self.memory_limit / 1024**3)
        if code == -signal.SIGXCPU:
            return LayerReadError("{name}: reading used more than {time_limit:.0f} s of processor "
                                  "time and was stopped. Nothing was added.",
                                  name=path.name, time_limit=self.time_limit)
        return LayerReadError("{name}: the reader stopped unexpectedly (exit code {code}). "
                              "Nothing was added.",
                              name=path.name, code=code)


def is_utf8(data: memoryview, piece: int = 1 << 20) -> bool:
    """Whether the bytes are UTF-8, checked a piece at a time: one decode of a million points'
    110 MB holds Python's lock for 120 ms; a megabyte for half a millisecond, so the window's
    thread gets its turns in between."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), piece):
            decoder.decode(data[start:start + piece])
        decoder.decode(b"", True)
    except UnicodeDecodeError:
        return False
    return True


class _Frames:
    """The child's frames (kind, length, payload) from its pipe.

    A frame's payload is read into one buffer of its size, by ``os.readv`` (which lets go of
    Python's lock while the kernel copies): a million points are one 110 MB frame, and growing a
    buffer chunk by chunk, then slicing and copying it out, held the lock for single copies of up
    to ~150 ms each, during which the window's thread could not run. Big payloads go into an
    anonymous memory map (no zero-filling in Python either; its memory goes back to the system
    when it is let go)."""

    BIG = 1 << 20

    def __init__(self, stream: IO[bytes]) -> None:
        self._fd = stream.fileno()
        self._head = bytearray()
        self._kind = b""
        self._payload: bytearray | mmap.mmap | None = None
        self._filled = 0
        self.closed = False
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._fd, selectors.EVENT_READ)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._selector.close()

    def _read_some(self) -> bool:
        """Read what the pipe has towards the current frame; False at the end of the stream."""
        if self._payload is None:
            chunk = os.read(self._fd, _HEADER.size - len(self._head))
            if not chunk:
                return False
            self._head += chunk
            if len(self._head) == _HEADER.size:
                kind, length = _HEADER.unpack(self._head)
                self._kind, self._filled = kind, 0
                self._payload = mmap.mmap(-1, length) if length >= self.BIG else bytearray(length)
            return True
        if self._filled == len(self._payload):
            return True
        got = os.readv(self._fd, [memoryview(self._payload)[self._filled:]])
        self._filled += got
        return got > 0

    def _complete(self) -> tuple[bytes, bytearray | mmap.mmap] | None:
        payload = self._payload
        if payload is None or self._filled < len(payload):
            return None
        frame = (self._kind, payload)
        self._head, self._payload, self._filled = bytearray(), None, 0
        return frame

    def next(self, timeout: float) -> tuple[bytes, bytearray | mmap.mmap] | None:
        frame = self._complete()
        if frame is not None or self.closed:
            return frame
        if self._selector.select(timeout):
            if not self._read_some():
                self.close()
        return self._complete()


# -- the reader process -------------------------------------------------------------------------

def _send(out: IO[bytes], kind: bytes, payload: bytes) -> None:
    out.write(_HEADER.pack(kind, len(payload)) + payload)
    out.flush()


def memory_for(path: Path, cap: int) -> int:
    """The address space a read may use: a fixed base for Python and GDAL plus 50 times the data
    (a 15 MB GeoJSON of 100,000 points peaks at 0.4 GB), at most ``cap``. A 36 KB GeoPackage
    whose view makes gigabytes is stopped at about 1 GB."""
    try:
        size = path.stat().st_size
        if path.suffix.lower() in (".kmz", ".zip"):
            with zipfile.ZipFile(path) as archive:
                size = max(size, sum(m.file_size for m in archive.infolist()))
    except (OSError, ValueError, zipfile.BadZipFile):
        size = 0
    return min(cap, BASE_MEMORY + 50 * size)


def _refuse(out: IO[bytes], error: LayerReadError) -> None:
    """Send a refusal as its template and fields (what is not JSON goes as text)."""
    _send(out, b"E", json.dumps({"template": error.template, "params": error.params},
                                default=str).encode())


def child_main() -> int:
    """Import everything, wait for one request, lock down, read, answer, exit."""
    from paragon_desktop.gis import sandbox
    from paragon_desktop.gis.layers import load_gdal, read_layer  # the slow imports, first

    load_gdal()  # GDAL too (imported by the first read), before the limits

    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the frames
    line = sys.stdin.buffer.readline()
    if not line:
        return 0
    request = json.loads(line)
    i18n.use(request.get("language"))
    request["memory"] = memory_for(Path(request["path"]), int(request["memory"]))
    sandbox.forbid_network()
    sandbox.limit_resources(int(request["memory"]), int(request["cpu"]))
    last = [-1.0]

    def progress(fraction: float, stage: str) -> None:
        if fraction - last[0] >= 0.01 or fraction >= 1.0:
            last[0] = fraction
            _send(out, b"P", json.dumps([fraction, stage]).encode())

    try:
        read = read_layer(request["path"], crs=request["crs"], max_bytes=int(request["max_bytes"]),
                          progress=progress)
    except LayerReadError as exc:
        _refuse(out, exc)
        return 0
    except MemoryError:
        _refuse(out, LayerReadError(
            "{name}: reading this file needs more than the {limit:.1f} GB memory limit; it was "
            "stopped. Nothing was added.",
            name=Path(request["path"]).name, limit=int(request["memory"]) / 1024**3))
        return 0
    except Exception as exc:  # GDAL and friends: a named refusal, never a traceback
        name = Path(request["path"]).name
        text = " ".join(str(exc).split())[:300]
        if "memory" in text.lower():
            _refuse(out, LayerReadError(
                "{name}: reading this file needs more than the {limit:.1f} GB memory limit "
                "({reason}).", name=name, limit=int(request["memory"]) / 1024**3, reason=text))
        else:
            _refuse(out, LayerReadError("{name}: could not be read: {reason}.", name=name,
                                        reason=text))
        return 0
    head = json.dumps({
        "feature_count": read.feature_count, "bbox": read.bbox, "source_crs": read.source_crs,
        "source_format": read.source_format, "geometry_types": read.geometry_types,
        "warnings": read.warnings}).encode()
    _send(out, b"R", head + b"\0" + read.geojson.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(child_main())
