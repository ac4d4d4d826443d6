"""Cold start of the voting consumer: init plus first invocation, against a minimal boto3 handler.

    python bench/cold_start.py [--runs N]

What a user pays when Lambda starts a new execution environment is the init (importing the
handler module) plus the first invocation (boto3 clients built on first use, the first calls,
the tracer's first segment). Each run starts a fresh interpreter configured as Lambda configures
one (LAMBDA_TASK_ROOT, the X-Ray daemon address and trace header of an active-tracing function,
credentials, the function's environment), imports the handler, invokes it once with one SQS
batch (9 votes and 1 malformed message) and reports both times. AWS is a local stub endpoint
(AWS_ENDPOINT_URL) that answers GetItem, TransactWriteItems and SendMessage and records which
calls each handler made: the bench fails unless the real handler and the baseline
(bench/minimal_voting.py: the same calls with boto3 alone) make the same ones. A UDP socket plays
the X-Ray daemon and counts the segments the function sends.

Variants, interleaved so load on the machine hits all alike; median of N runs each:
- minimal boto3 handler (the baseline);
- voting handler as deployed (SWITCHYARD_TRACING unset: Lambda active tracing, no X-Ray SDK);
- voting handler with SWITCHYARD_TRACING=xray-sdk (Powertools Tracer: handler/method subsegments
  and a subsegment per AWS call).
Goal: the deployed handler's init + first invocation <= 1.5x the baseline's, in CPU seconds.
Wall time is printed beside, but gated on CPU: Lambda gives a function CPU in proportion to its
memory (one vCPU at 1,769 MB), so a cold start's duration follows the CPU work it needs, while
wall time here also carries whatever else the machine runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1.5
TRACE_HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
FUNCTION_ENV = {
    "POWERTOOLS_SERVICE_NAME": "swy-bench-voting",
    "POWERTOOLS_METRICS_NAMESPACE": "Switchyard",
    "POLLS_TABLE_NAME": "polls",
    "VOTES_TABLE_NAME": "votes",
    "TALLIES_TABLE_NAME": "tallies",
    "DEAD_LETTER_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/111111111111/dlq",
    "VOTER_IDENTITY": "body",  # the bench's messages name the voter in the body
}

# Runs in the fresh interpreter: the clock starts before anything of the handler is imported.
CHILD = """
import time
start, start_cpu = time.perf_counter(), time.process_time()
import importlib, json, sys
module = importlib.import_module(sys.argv[1])
init, init_cpu = time.perf_counter(), time.process_time()

class Context:
    function_name = "swy-bench-voting"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:swy-bench-voting"
    memory_limit_in_mb = 256
    aws_request_id = "5a8e2c1e-0000-4000-8000-000000000001"
    log_group_name = "/aws/lambda/swy-bench-voting"
    log_stream_name = "bench"
    def get_remaining_time_in_millis(self):
        return 30000

with open(sys.argv[2]) as f:
    event = json.load(f)
first_start = time.perf_counter()
response = module.lambda_handler(event, Context())
first, first_cpu = time.perf_counter(), time.process_time()
with open(sys.argv[3], "w") as f:
    times = {"init": init - start, "first": first - first_start, "cpu": first_cpu - start_cpu}
    json.dump({**times, "response": response}, f)
"""


@dataclass(frozen=True)
class Variant:
    label: str
    module: str
    env: dict[str, str]


VARIANTS = (
    Variant("minimal boto3 handler", "minimal_voting", {}),
    Variant("voting, active tracing (default)", "voting.handler", {}),
    Variant("voting, SWITCHYARD_TRACING=xray-sdk", "voting.handler", {"SWITCHYARD_TRACING": "xray-sdk"}),
)


EXPECTED_CALLS = ("GetItem", "SendMessage", "TransactWriteItems")  # sorted


class StubAWS:
    """A local endpoint for DynamoDB and SQS (JSON protocols) that records the calls it answers."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                operation = self.headers["X-Amz-Target"].rpartition(".")[2]
                stub.calls.append(operation)
                answer = stub.answer(operation, body)
                payload = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-amz-json-1.0")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def answer(operation: str, body: dict[str, Any]) -> dict[str, Any]:
        if operation == "GetItem":
            return {
                "Item": {
                    "pollId": body["Key"]["pollId"],
                    "choices": {"SS": ["red", "blue"]},
                    "closesAtMs": {"N": str(4_102_444_800_000)},  # 2100-01-01
                }
            }
        if operation == "SendMessage":
            return {"MessageId": "1", "MD5OfMessageBody": hashlib.md5(body["MessageBody"].encode()).hexdigest()}
        if operation == "TransactWriteItems":
            return {}
        raise ValueError(f"the stub does not answer {operation}")


class XRayDaemon:
    """Counts the UDP datagrams (segment documents) sent to AWS_XRAY_DAEMON_ADDRESS."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.datagrams = 0
        threading.Thread(target=self._receive, daemon=True).start()

    def _receive(self) -> None:
        while True:
            self.sock.recv(65536)
            self.datagrams += 1


def sqs_event() -> dict[str, Any]:
    records = []
    for i in range(10):
        body = json.dumps(
            {"userId": f"user{i}", "choice": "red" if i % 2 else "blue", "submittedAt": "2026-11-23T10:00:00.000Z"}
        )
        records.append(
            {
                "messageId": f"m{i}",
                "receiptHandle": f"r{i}",
                "body": "not a vote" if i == 9 else body,
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1795428000000"},
                "messageAttributes": {
                    "pollId": {"stringValue": "poll1", "dataType": "String"},
                    "requestId": {"stringValue": f"req-{i}", "dataType": "String"},
                    "receivedAtEpochMs": {"stringValue": "1795428000000", "dataType": "Number"},
                },
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-1:111111111111:swy-bench-voting",
                "awsRegion": "eu-west-1",
            }
        )
    return {"Records": records}


def lambda_environment(stub: StubAWS, daemon: XRayDaemon, task_root: str) -> dict[str, str]:
    """What Lambda sets in an active-tracing function's environment (plus the stub endpoint)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "lambdas"), str(ROOT / "lambdas" / "shared"), str(ROOT / "bench")]),
        "LAMBDA_TASK_ROOT": task_root,
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "AWS_LAMBDA_FUNCTION_NAME": "swy-bench-voting",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_ENDPOINT_URL": stub.url,
        "AWS_XRAY_DAEMON_ADDRESS": daemon.address,
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "_X_AMZN_TRACE_ID": TRACE_HEADER,
        **FUNCTION_ENV,
    }


def run_once(variant: Variant, env: dict[str, str], event_path: str, workdir: str) -> dict[str, Any]:
    result_path = os.path.join(workdir, "result.json")
    subprocess.run(
        [sys.executable, "-c", CHILD, variant.module, event_path, result_path],
        env={**env, **variant.env},
        stdout=subprocess.DEVNULL,  # the function's log lines
        check=True,
    )
    with open(result_path) as f:
        result: dict[str, Any] = json.load(f)
    return result


def measure(variants: tuple[Variant, ...], runs: int) -> dict[str, dict[str, float]]:
    """Median init, first invocation, total (wall) and CPU seconds per variant label."""
    stub, daemon = StubAWS(), XRayDaemon()
    samples: dict[str, list[dict[str, float]]] = {v.label: [] for v in variants}
    calls: dict[str, set[tuple[str, ...]]] = {v.label: set() for v in variants}
    documents: dict[str, int] = dict.fromkeys(samples, 0)
    with tempfile.TemporaryDirectory() as workdir:
        event_path = os.path.join(workdir, "event.json")
        Path(event_path).write_text(json.dumps(sqs_event()))
        env = lambda_environment(stub, daemon, workdir)
        for run in range(runs + 1):  # run 0 warms the bytecode caches and is not counted
            for variant in variants:
                stub.calls.clear()
                before = daemon.datagrams
                result = run_once(variant, env, event_path, workdir)
                if result["response"] != {"batchItemFailures": []}:
                    raise SystemExit(f"{variant.label}: unexpected response {result['response']}")
                if run:
                    total = result["init"] + result["first"]
                    samples[variant.label].append({**result, "total": total})
                    calls[variant.label].add(tuple(sorted(stub.calls)))
                    documents[variant.label] += daemon.datagrams - before
    for label, seen in calls.items():
        if seen != {EXPECTED_CALLS}:
            raise SystemExit(f"{label} made the calls {sorted(seen)}, not the baseline's {EXPECTED_CALLS}")
    return {
        label: {
            **{part: statistics.median(s[part] for s in runs_) for part in ("init", "first", "total", "cpu")},
            "documents": documents[label] / runs,
        }
        for label, runs_ in samples.items()
    }


def report(medians: dict[str, dict[str, float]], runs: int) -> float:
    """Prints the table; returns the deployed handler's CPU ratio to the baseline (the gated figure)."""
    baseline = medians[VARIANTS[0].label]
    print(f"cold start (init + first invocation), median of {runs} fresh interpreters, stubbed AWS:")
    print(f"  {'':38} {'init':>7} {'first':>7} {'total':>7} {'ratio':>6} {'CPU':>7} {'ratio':>6}  X-Ray docs")
    for label, m in medians.items():
        print(
            f"  {label:38} {m['init'] * 1000:5.0f}ms {m['first'] * 1000:5.0f}ms {m['total'] * 1000:5.0f}ms "
            f"{m['total'] / baseline['total']:5.2f}x {m['cpu'] * 1000:5.0f}ms {m['cpu'] / baseline['cpu']:5.2f}x  "
            f"{m['documents']:.0f}"
        )
    deployed = medians[VARIANTS[1].label]
    ratio, wall = deployed["cpu"] / baseline["cpu"], deployed["total"] / baseline["total"]
    print(
        f"deployed handler / baseline: {ratio:.2f}x CPU (goal <= {GOAL}x), {wall:.2f}x wall; "
        f"same AWS calls: {', '.join(EXPECTED_CALLS)}"
    )
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="fresh interpreters per variant (median reported)")
    args = parser.parse_args()
    ratio = report(measure(VARIANTS, args.runs), args.runs)
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
