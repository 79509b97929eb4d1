"""Stopping a load on SIGINT or SIGTERM: the batch in flight is rolled back, the lock released.

While `stop_on_signals()` is active, the first SIGINT or SIGTERM raises `Stopped` in the main
thread, between two statements (the engine finishes the one it runs). `Landing` rolls back its
batch in flight and notes what landed before; the CLI says where a re-run resumes. Later signals
are ignored while that happens.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from loader.batch import LoadSummary

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(BaseException):
    """Raised by a stop signal; like KeyboardInterrupt, no `except Exception` holds it up."""

    def __init__(self, number: int):
        self.signal_name = signal.Signals(number).name
        super().__init__(f"stopped by {self.signal_name}")
        self.exit_code = 128 + number
        self.landed = LoadSummary()  # what committed before the stop
        self.rolled_back = ""  # where the batch rolled back starts ('' if none was in flight)
        self.last_landed = ""  # where the last committed batch ends ('' if none committed)

    def describe(self) -> str:
        """What landed before the stop and where a re-run of the same command resumes."""
        said = f"stopped by {self.signal_name}: {self.landed.blocks} blocks, {self.landed.events} events landed before the stop"
        if self.rolled_back:
            said += f"; the batch from {self.rolled_back} was rolled back"
        resumes = (f"at {self.rolled_back}" if self.rolled_back
                   else f"after {self.last_landed}" if self.last_landed else "from the start")
        return f"{said}. Run the same command again: it skips what is loaded and resumes {resumes}"


@contextmanager
def stop_on_signals() -> Iterator[None]:
    stopping = False

    def handle(number: int, _frame: Any) -> None:
        nonlocal stopping
        if stopping:
            print(f"substrate-loader: {signal.Signals(number).name}: already stopping", file=sys.stderr, flush=True)
            return
        stopping = True
        raise Stopped(number)

    previous = {number: signal.signal(number, handle) for number in SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
