"""Free local ports for the processes that tests and benchmarks start on one machine."""

import socket

HOST = "127.0.0.1"


def free_port_block(size: int) -> int:
    """The first of `size` consecutive free local ports."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            first: int = probe.getsockname()[1]
        if first + size >= 65535:
            continue
        sockets = []
        try:
            for offset in range(size):
                s = socket.socket()
                sockets.append(s)
                s.bind((HOST, first + offset))
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
        return first
    raise RuntimeError("no block of free ports")
