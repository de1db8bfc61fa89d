"""A TCP proxy on 127.0.0.1 in front of the test PostgreSQL server that can cut a client's
connection at the worst moments: after its COMMIT reached the server but before the answer came
back (the client cannot know whether it was stored), or before the COMMIT is passed on."""

from __future__ import annotations

import socket
import threading
from contextlib import suppress

# A simple-protocol query message carrying COMMIT (psycopg commits this way).
_COMMIT = b"COMMIT\x00"


class CutProxy:
    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._mode: str | None = None  # "after-commit" or "before-commit", for the next COMMIT
        self._lock = threading.Lock()
        self.cuts = 0
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def cut_next_commit(self, when: str = "after-commit") -> None:
        with self._lock:
            self._mode = when

    def close(self) -> None:
        self._closed = True
        with suppress(OSError):
            self._listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self._target)
            state = {"cut_on_answer": False}
            threading.Thread(target=self._up, args=(client, server, state), daemon=True).start()
            threading.Thread(target=self._down, args=(server, client, state), daemon=True).start()

    def _take_mode(self) -> str | None:
        with self._lock:
            mode, self._mode = self._mode, None
            return mode

    def _cut(self, *sockets: socket.socket) -> None:
        self.cuts += 1
        for sock in sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with suppress(OSError):
                sock.close()

    def _up(self, client: socket.socket, server: socket.socket, state: dict) -> None:
        with suppress(OSError):
            while data := client.recv(65536):
                if _COMMIT in data and self._mode is not None:
                    mode = self._take_mode()
                    if mode == "before-commit":
                        self._cut(client, server)
                        return
                    state["cut_on_answer"] = mode == "after-commit"
                server.sendall(data)
        self._cut(client, server)

    def _down(self, server: socket.socket, client: socket.socket, state: dict) -> None:
        with suppress(OSError):
            while data := server.recv(65536):
                if state["cut_on_answer"]:
                    self._cut(client, server)  # the server committed; the client never hears it
                    return
                client.sendall(data)
        self._cut(client, server)
