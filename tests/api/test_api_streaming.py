"""Streaming a writer's output: in order, in chunks, and stopped when the reader goes away."""

from __future__ import annotations

import threading
from typing import IO

import pytest

from nafolo.api.streaming import CHUNK_CHARS, stream_text


def test_every_line_arrives_in_order_in_chunks() -> None:
    def write(out: IO[str]) -> None:
        for i in range(20_000):
            out.write(f"{i}\n")

    chunks = list(stream_text(write))
    assert len(chunks) > 1
    assert "".join(chunks).split() == [str(i) for i in range(20_000)]


def test_closing_the_stream_stops_the_writer() -> None:
    stopped = threading.Event()

    def endless(out: IO[str]) -> None:
        try:
            while True:
                out.write("x" * CHUNK_CHARS)
        finally:
            stopped.set()

    stream = stream_text(endless)
    next(stream)
    stream.close()
    assert stopped.wait(timeout=5)


def test_a_writer_error_reaches_the_reader() -> None:
    def failing(out: IO[str]) -> None:
        out.write("partial\n")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        list(stream_text(failing))
