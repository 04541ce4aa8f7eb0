"""Streaming what a writer function writes (e.g. the ledger export) to an HTTP client as it goes."""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterator
from typing import IO

CHUNK_CHARS = 64 * 1024
QUEUE_CHUNKS = 16
_DONE = object()


class ClientGoneError(Exception):
    """The client stopped reading; the writer is told by this exception and stops."""


class _ChunkWriter(io.StringIO):
    """A text stream that hands its content to a bounded queue, chunk by chunk."""

    def __init__(self, chunks: queue.Queue[object], stop: threading.Event) -> None:
        super().__init__()
        self._chunks = chunks
        self._stop = stop
        self._pending: list[str] = []
        self._size = 0

    def write(self, text: str) -> int:
        self._pending.append(text)
        self._size += len(text)
        if self._size >= CHUNK_CHARS:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self.put("".join(self._pending))
            self._pending, self._size = [], 0

    def put(self, item: object) -> None:
        while True:
            if self._stop.is_set():
                raise ClientGoneError
            try:
                self._chunks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue


def stream_text(write: Callable[[IO[str]], object]) -> Iterator[str]:
    """The text `write(stream)` produces, in chunks, while a worker thread is writing it.

    Memory stays bounded (a few chunks); closing the iterator early stops the writer.
    """
    chunks: queue.Queue[object] = queue.Queue(maxsize=QUEUE_CHUNKS)
    stop = threading.Event()
    writer = _ChunkWriter(chunks, stop)

    def run() -> None:
        try:
            write(writer)
            writer.flush()
            writer.put(_DONE)
        except ClientGoneError:
            return
        except BaseException as error:  # handed to the reading side, which raises it
            try:
                writer.put(error)
            except ClientGoneError:
                return

    worker = threading.Thread(target=run, name="nafolo-stream", daemon=True)
    worker.start()
    try:
        while (item := chunks.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, str)
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)
