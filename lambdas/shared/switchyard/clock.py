"""The function's wall clock, in one place so a test harness can replace it.

In Lambda it is the host's `time.time()`. The emulation harness points `source` at its simulated
clock for each execution environment it runs (emulation/harness/lambda_runtime.py), so code that
compares "now" with stored times (a ban past due) follows simulated time as it would real time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

source: Callable[[], float] = time.time


def now() -> float:
    """Seconds since the epoch."""
    return source()
