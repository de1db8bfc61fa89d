"""Locking down the process that reads layer files: no network, bounded memory and CPU.

Files from outside are hostile until read safely. GDAL can be made to fetch URLs (a GeoJSON
``"crs": {"type": "link"}``, a KML NetworkLink) and SQLite views in a GeoPackage can run without
end or take gigabytes. The reader process therefore, before it touches a file:

- installs a seccomp filter (Linux, x86-64 and arm64) that makes ``socket()`` fail with EACCES for
  every address family except local (AF_UNIX) sockets, and refuses ``io_uring_setup``; the filter
  holds for the process and every thread it starts and cannot be removed;
- points every proxy variable libcurl and GDAL read at a closed local port (belt and braces, and
  the only barrier where seccomp is not available);
- limits its address space (``RLIMIT_AS``) and CPU time (``RLIMIT_CPU``), and writes no core file.

The wall-clock limit and Cancel are the parent's: it kills the process.
"""

from __future__ import annotations

import ctypes
import os
import platform
import struct

try:
    import resource
except ImportError:  # Windows: the parent's time limit and Cancel still hold
    resource = None  # type: ignore[assignment]

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_EACCES = 13
_AF_UNIX = 1
# (audit arch, socket syscall number, io_uring_setup number)
_ARCHES = {"x86_64": (0xC000003E, 41, 425), "aarch64": (0xC00000B7, 198, 425)}
_X32_BIT = 0x40000000

_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06

CLOSED_PROXY = "http://127.0.0.1:9"
NO_NETWORK_ENV = {
    "http_proxy": CLOSED_PROXY, "https_proxy": CLOSED_PROXY, "ftp_proxy": CLOSED_PROXY,
    "all_proxy": CLOSED_PROXY, "HTTP_PROXY": CLOSED_PROXY, "HTTPS_PROXY": CLOSED_PROXY,
    "ALL_PROXY": CLOSED_PROXY, "no_proxy": "", "NO_PROXY": "",
    "GDAL_HTTP_PROXY": "127.0.0.1:9", "GDAL_HTTP_TIMEOUT": "1", "GDAL_HTTP_MAX_RETRY": "0",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".paragon-none", "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "PROJ_NETWORK": "OFF",
}


def _instruction(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def _filter_program(arch: str) -> bytes:
    audit_arch, socket_nr, uring_nr = _ARCHES[arch]
    x32_check = arch == "x86_64"
    program = [
        _instruction(_LD_W_ABS, 0, 0, 4),                        # 0: arch
        _instruction(_JEQ_K, 1, 0, audit_arch),                  # 1: ours? -> 3
        _instruction(_RET_K, 0, 0, _RET_ERRNO | _EACCES),        # 2: another ABI: refuse all
        _instruction(_LD_W_ABS, 0, 0, 0),                        # 3: syscall number
        _instruction(_JGE_K, 4, 0, _X32_BIT if x32_check else 0xFFFFFFFF),  # 4: x32 -> deny
        _instruction(_JEQ_K, 3, 0, uring_nr),                    # 5: io_uring -> deny
        _instruction(_JEQ_K, 0, 3, socket_nr),                   # 6: socket? else allow
        _instruction(_LD_W_ABS, 0, 0, 16),                       # 7: args[0] (family)
        _instruction(_JEQ_K, 1, 0, _AF_UNIX),                    # 8: AF_UNIX -> allow
        _instruction(_RET_K, 0, 0, _RET_ERRNO | _EACCES),        # 9: deny
        _instruction(_RET_K, 0, 0, _RET_ALLOW),                  # 10: allow
    ]
    return b"".join(program)


def forbid_network() -> bool:
    """Install the seccomp filter; True when the kernel took it."""
    for key, value in NO_NETWORK_ENV.items():
        os.environ[key] = value
    arch = platform.machine()
    if not hasattr(os, "uname") or os.uname().sysname != "Linux" or arch not in _ARCHES:
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    code = _filter_program(arch)
    buffer = ctypes.create_string_buffer(code, len(code))

    class _Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    program = _Program(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return bool(libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0) == 0)


def limit_resources(memory_bytes: int | None, cpu_seconds: int | None) -> None:
    """Address space and CPU time limits for this process (and what it starts)."""
    if resource is None:
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if cpu_seconds:
        soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        limit = cpu_seconds if hard == resource.RLIM_INFINITY else min(cpu_seconds, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))
