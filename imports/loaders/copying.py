"""Rows as `COPY ... FROM STDIN` text: a file-like stream of rows, and the thread that validates and formats the
rows of an upload chunk by chunk while the database writes the previous chunk."""
from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import translation

from ..validation import ErrorSink
from .common import PROGRESS_EVERY, Progress

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    cls = value.__class__
    if cls is str:
        # `in` is a fast scan in C; `translate` goes character by character through a dict.
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_COPY_ESCAPES)
        return value
    if value is None:
        return "\\N"
    if cls is bool:
        return "t" if value else "f"
    return str(value)  # int, Decimal, and date (str() is its ISO form)


class CopyStream:
    """A file-like `read()` that pulls rows from a generator and formats them for `COPY ... FROM STDIN`.

    psycopg2's `copy_expert` reads it chunk by chunk, so memory stays flat (used for the error list).
    """

    def __init__(self, rows: Iterator[tuple], progress: Progress | None):
        self.rows = rows
        self.progress = progress
        self.count = 0
        self.error: BaseException | None = None

    def read(self, size: int = 65536) -> str:
        try:
            parts = []
            length = 0
            for row in self.rows:
                line = "\t".join(map(_copy_text, row)) + "\n"
                parts.append(line)
                length += len(line)
                self.count += 1
                if self.progress and self.count % PROGRESS_EVERY == 0:
                    self.progress(self.count)
                if length >= size:
                    break
            return "".join(parts)
        except BaseException as error:  # kept: psycopg2 replaces it with a generic COPY error
            self.error = error
            raise

    readline = read


@dataclass
class _Chunk:
    text: str  # the rows as COPY text
    rows: int
    last_line: int
    clean: bool  # no row up to this one (this chunk included) had an error in Python


_END = object()


class ChunkProducer:
    """Runs the per-row Python (parse, validate, format as COPY text) in a thread, `chunk_rows` rows at a time.

    The upload's time is mostly PostgreSQL's (index and foreign-key work of the upsert) and Python's (one
    row at a time), on different cores: while the server writes chunk n, this thread prepares chunk n+1
    (psycopg2 releases the GIL while it waits for the server). The thread touches no database; it runs
    in the caller's language, so that the error messages it writes are translated alike. At most
    `ahead` chunks wait in the queue, so memory stays flat.
    """

    def __init__(self, rows: Iterator[tuple], sink: ErrorSink, *, chunk_rows: int, ahead: int = 2):
        self.rows = rows
        self.sink = sink
        self.chunk_rows = chunk_rows
        self.queue: queue.Queue = queue.Queue(maxsize=ahead)
        self.stopping = threading.Event()
        self.language = translation.get_language()
        self.thread = threading.Thread(target=self._run, name="imports-rows", daemon=True)

    def __iter__(self) -> Iterator[_Chunk]:
        self.thread.start()
        while True:
            item = self.queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop the thread (the load may end early, on a database error) and wait for it."""
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join()

    def _put(self, item: Any) -> bool:
        while not self.stopping.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            with translation.override(self.language):
                parts: list[str] = []
                append = parts.append
                join = "\t".join
                size = self.chunk_rows
                line = 0
                for row in self.rows:
                    append(join(map(_copy_text, row)) + "\n")
                    if len(parts) >= size:
                        line = row[0]
                        if not self._put(_Chunk("".join(parts), len(parts), line, self.sink.count == 0)):
                            return
                        parts.clear()
                    elif self.stopping.is_set():
                        return
                if parts:
                    self._put(_Chunk("".join(parts), len(parts), row[0], self.sink.count == 0))
            self._put(_END)
        except BaseException as error:  # noqa: BLE001 - handed to the loading thread, which raises it
            self._put(error)
