"""The thread that validates the rows of an upload and formats them as `COPY ... FROM STDIN` text (reform.bulk's
format) chunk by chunk, while the database writes the previous chunk."""
from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import translation

from reform.bulk import copy_field

from ..validation import ErrorSink

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

    def __init__(self, rows: Iterator[tuple], sink: ErrorSink, *, chunk_rows: int, first_rows: int | None = None,
                 ahead: int = 2):
        self.rows = rows
        self.sink = sink
        self.chunk_rows = chunk_rows
        # The first chunk's rows (the server waits for it); each next chunk twice as many, up to `chunk_rows`.
        self.first_rows = first_rows or chunk_rows
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
                size = self.first_rows
                line = 0
                for row in self.rows:
                    append(join(map(copy_field, row)) + "\n")
                    if len(parts) >= size:
                        line = row[0]
                        if not self._put(_Chunk("".join(parts), len(parts), line, self.sink.count == 0)):
                            return
                        parts.clear()
                        size = min(size * 2, self.chunk_rows)
                    elif self.stopping.is_set():
                        return
                if parts:
                    self._put(_Chunk("".join(parts), len(parts), row[0], self.sink.count == 0))
            self._put(_END)
        except BaseException as error:  # noqa: BLE001 - handed to the loading thread, which raises it
            self._put(error)
