"""Traffic generators, one module per workload, used by `make demo` and the e2e tests.

Each module has `NAME` (the workload's key in the platform outputs) and
`run(account, platform_outputs, ...) -> result`, where the result has `accounted` (every message
is in exactly one expected place) and `summary_lines()` (what `make demo` prints).
WORKLOADS are on in every account and run with their defaults; the opt-in ones (ledger,
webhooks, bans: null outputs where disabled) take sizes, and webhooks the receiver, from
emulation/demo.py. Add an always-on workload by appending its module to WORKLOADS.
"""

from __future__ import annotations

from emulation.traffic import audit, registration, voting

WORKLOADS = [audit, voting, registration]
