"""Whether a process of this host still runs: owners of locks and batch files left behind."""

from __future__ import annotations

import os


def is_running(pid: int) -> bool:
    """True while a process with this pid exists on this host (owned by anyone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True
