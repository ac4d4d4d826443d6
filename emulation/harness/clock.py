"""One simulated clock for the emulator and the functions the harness runs, so nobody sleeps.

Lambda's rules are about time: a failed SQS message comes back when its visibility timeout
runs out, a function is stopped at its timeout, a stream record ages, a TTL expires. The clock
is wall time plus an offset that only grows; `advance(s)` moves it forward for both sides at once:

- the emulator (another process): `POST /moto-api/switchyard/clock` (emulator_patches.simulated_clock),
  or the same module variable when moto runs in-process (unit tests);
- this process: the Lambda context's remaining time (lambda_runtime) and the pollers.

Consumers take "now" from the record or the context, not from the process clock (their
idempotency is conditional writes, lambdas/shared/README.md), so nothing else is patched.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable

from emulation import emulator_patches


class SimulatedClock:
    def __init__(self, push: Callable[[float], None], offset: float = 0.0) -> None:
        self._push = push
        self._offset = offset
        self._lock = threading.Lock()

    @property
    def offset(self) -> float:
        return self._offset

    def time(self) -> float:
        """Seconds since the epoch on the simulated clock (what `time.time()` is to Lambda)."""
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the simulated clock only moves forward")
        with self._lock:
            self._offset += seconds
            self._push(self._offset)

    @classmethod
    def in_process(cls) -> SimulatedClock:
        """For moto running in this process (unit tests); needs emulator_patches.simulated_clock()."""
        emulator_patches.simulated_clock()
        return cls(emulator_patches.set_clock_offset, emulator_patches.clock_offset())

    @classmethod
    def of_emulator(cls, endpoint_url: str) -> SimulatedClock:
        """For the emulator server at `endpoint_url`, starting from the offset it already has."""
        url = endpoint_url.rstrip("/") + emulator_patches.CLOCK_PATH

        def push(offset: float) -> None:
            request = urllib.request.Request(  # noqa: S310 - the local emulator's http URL
                url,
                data=json.dumps({"offset": offset}).encode(),
                method="POST",
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                if response.status != 200:
                    raise RuntimeError(f"the emulator refused the clock: {response.status}")

        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return cls(push, float(json.loads(response.read())["offset"]))


_clocks: dict[str, SimulatedClock] = {}
_clocks_lock = threading.Lock()


def clock_for(endpoint_url: str) -> SimulatedClock:
    """The one clock of an emulator, shared by every account and poller of this process."""
    with _clocks_lock:
        if endpoint_url not in _clocks:
            _clocks[endpoint_url] = SimulatedClock.of_emulator(endpoint_url)
        return _clocks[endpoint_url]


def sweep_ttl(endpoint_url: str) -> int:
    """Run DynamoDB's TTL service once in the emulator (emulator_patches.ttl_expiry): every item
    whose TTL passed on the simulated clock is deleted with a TTL REMOVE stream record."""
    request = urllib.request.Request(  # noqa: S310 - the local emulator's http URL
        endpoint_url.rstrip("/") + emulator_patches.TTL_SWEEP_PATH, data=b"{}", method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return int(json.loads(response.read())["expired"])
