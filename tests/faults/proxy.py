"""Loopback TCP fault helpers for tests: a forwarding proxy that can be told to stop
forwarding (a frozen server or a silently dropped connection), and a listener that
accepts and never answers. 127.0.0.1 only; threads; every socket closed on stop().

>>> with SilentListener() as port:
...     isinstance(port, int)
True
"""
from __future__ import annotations

import select
import socket
import threading


class FreezingProxy:
    """Forward 127.0.0.1:<port> to ``target``. ``freeze()``: connections open now stop
    forwarding in both directions (their sockets stay open, like a hung server);
    connections opened later are forwarded unless ``freeze(new=True)``."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._frozen: set[int] = set()
        self._freeze_new = False
        self._marker: bytes | None = None
        self.froze = threading.Event()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def freeze_on(self, marker: bytes) -> None:
        """Freeze a connection right after it sends ``marker`` (forwarded first: the
        server gets the statement, its answer never comes back)."""
        self._marker = marker

    def freeze(self, new: bool = False) -> None:
        with self._lock:
            self._frozen |= {id(a) for a, _ in self._pairs}
            self._freeze_new = new

    def _accept(self) -> None:
        self.listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, upstream))
                if self._freeze_new:
                    self._frozen.add(id(client))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        peers = {a: b, b: a}
        while not self._stop.is_set():
            if id(a) in self._frozen:
                self._stop.wait(0.1)   # hold both sockets open, forward nothing
                continue
            ready, _, _ = select.select([a, b], [], [], 0.1)
            for s in ready:
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if not data or id(a) in self._frozen:
                    if not data:
                        self._close(a, b)
                        return
                    continue   # frozen while reading: swallow, like a hung peer
                try:
                    peers[s].sendall(data)
                except OSError:
                    self._close(a, b)
                    return
                if s is a and self._marker and self._marker in data:
                    with self._lock:
                        self._frozen.add(id(a))
                        self._marker = None
                    self.froze.set()

    @staticmethod
    def _close(*socks) -> None:
        for s in socks:
            try:
                s.close()
            except OSError:
                pass

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.listener.close()
        with self._lock:
            for a, b in self._pairs:
                self._close(a, b)

    def __enter__(self) -> "FreezingProxy":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class SilentListener:
    """A port that accepts TCP connections and never sends a byte."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=16)
        self.port = self.listener.getsockname()[1]
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        self.listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
                self._held.append(conn)
            except OSError:
                continue

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.listener.close()
        for c in self._held:
            c.close()

    def __enter__(self) -> int:
        return self.port

    def __exit__(self, *exc) -> None:
        self.stop()
