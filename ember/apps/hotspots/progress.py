"""A dependency-free text progress bar, drawn on rank 0 only (to stderr)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """A progress bar for one phase of the workflow: ``label [####....] 3/8 1.2s``.

    Every rank may call :meth:`advance` (SPMD); only an enabled bar (rank 0 unless
    ``--quiet``) writes. The bar is redrawn in place with a carriage return when the
    stream is a terminal, else printed once per tenth of the work, so logs stay short.

    Parameters
    ----------
    label : str
        The phase's name.
    total : int
        The number of steps (0 is allowed: the bar completes at once).
    enabled : bool
        Whether this rank draws.
    stream : file-like, optional
        Default: ``sys.stderr``.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> bar = Progress("features", 2, enabled=True, stream=out)
    >>> bar.advance(); bar.advance(); bar.close()
    >>> out.getvalue().splitlines()[-1].startswith("features [")
    True
    """

    width = 30

    def __init__(self, label: str, total: int, enabled: bool,
                 stream: TextIO | None = None) -> None:
        self.label, self.total, self.enabled = label, max(int(total), 0), enabled
        self.stream = sys.stderr if stream is None else stream
        self.done, self.start, self._shown_tenth = 0, time.perf_counter(), -1
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def advance(self, steps: int = 1) -> None:
        """Count ``steps`` more steps as done and redraw."""
        self.done = min(self.done + steps, self.total)
        self._draw()

    def close(self) -> None:
        """Finish the bar (a final line with the elapsed time)."""
        self.done = self.total
        self._draw(final=True)

    def _draw(self, final: bool = False) -> None:
        if not self.enabled:
            return
        fraction = self.done / self.total if self.total else 1.0
        tenth = int(fraction * 10)
        if not (self._tty or final or tenth > self._shown_tenth):
            return
        if not self._tty and final and self._shown_tenth == 10:
            return
        self._shown_tenth = tenth
        filled = int(round(fraction * self.width))
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = time.perf_counter() - self.start
        text = f"{self.label} [{bar}] {self.done}/{self.total} {elapsed:.1f}s"
        end = "\n" if (final or not self._tty) else ""
        self.stream.write(("\r" if self._tty else "") + text + end)
        self.stream.flush()
