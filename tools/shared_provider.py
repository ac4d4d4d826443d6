"""One AWS provider process for every `terraform validate` and `terraform test` of `make policy`.

Every Terraform command starts the provider plugin itself: a 675 MB Go binary that costs about
0.45 s of CPU per start, which `terraform test` pays two or three times per run block, and
`terraform init` hashes the whole binary against the lock file (another ~1.8 s) in every
folder. Started once in its debug mode, the same binary serves every command through
TF_REATTACH_PROVIDERS; `make policy` then spends its CPU on the checks, not on start-ups.

Terraform does not verify a reattached provider, so this does it once, up front:
- `terraform init -lockfile=readonly` on a generated root that calls every module and every
  environment root: the binary is hashed against the committed lock file and every version
  constraint in the tree is checked against the locked version (a module asking for a version
  the lock does not hold fails here, as its own init would);
- a root whose own lock file differs from that one is not reattached: it keeps its own provider.

Only commands that never configure the provider may share it: `validate`, and `terraform
test` with mock providers. A plan configures one instance per provider block (one per account
here); a shared process would mix them, so plans keep their own.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

from tools.tf_cli_config import plugin_cache_lock

LOCK_FILE = ".terraform.lock.hcl"
REATTACH = re.compile(r"TF_REATTACH_PROVIDERS='(?P<config>\{.*\})'")
START_TIMEOUT = 60.0


class ProviderError(RuntimeError):
    """The shared provider could not be verified or started; the message says why."""


def reference_lock(roots: list[Path]) -> Path | None:
    """The lock file most roots commit (environments agree on one today)."""
    locks = [root / LOCK_FILE for root in roots if (root / LOCK_FILE).is_file()]
    if not locks:
        return None
    most_common, _ = Counter(lock.read_bytes() for lock in locks).most_common(1)[0]
    return next(lock for lock in locks if lock.read_bytes() == most_common)


class SharedProvider:
    def __init__(self, project: Path, work: Path, modules: list[Path], roots: list[Path], env: dict[str, str]) -> None:
        self.project = project
        self.work = work
        self.env = env
        self.lock = reference_lock(roots)
        self.members = [*modules, *(r for r in roots if self.shares(r))]
        self._guard = threading.Lock()
        self._reattach: str | None = None
        self._error: ProviderError | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def shares(self, root: Path) -> bool:
        """A root without a lock file of its own, or with the reference one, uses the shared process."""
        own = root / LOCK_FILE
        return self.lock is not None and (not own.is_file() or own.read_bytes() == self.lock.read_bytes())

    def env_for(self, root: Path) -> dict[str, str]:
        """Extra environment for Terraform commands in `root` (empty: use its own provider)."""
        if root not in self.members:
            return {}
        return {"TF_REATTACH_PROVIDERS": self.start()}

    def start(self) -> str:
        with self._guard:
            if self._error:
                raise self._error
            if self._reattach is None:
                try:
                    self._reattach = self._launch(self._verified_binary())
                except ProviderError as error:
                    self._error = error
                    raise
            return self._reattach

    def init_wrapper(self, wrapper: Path, members: list[Path]) -> subprocess.CompletedProcess[str]:
        """Write a root in `wrapper` that calls every member as a module and `terraform init` it
        with its own provider: against the reference lock file (-lockfile=readonly) when there is
        one, so the binary is hashed and every version constraint of the members is checked."""
        wrapper.mkdir(parents=True, exist_ok=True)
        calls = {
            re.sub(r"[^A-Za-z0-9_-]", "_", m.relative_to(self.project).as_posix()): {
                "source": os.path.relpath(m, wrapper)
            }
            for m in members
        }
        (wrapper / "main.tf.json").write_text(json.dumps({"module": calls}, indent=1))
        init = ["terraform", f"-chdir={wrapper}", "init", "-backend=false", "-input=false", "-no-color"]
        if self.lock is not None:
            (wrapper / LOCK_FILE).write_bytes(self.lock.read_bytes())
            init.append("-lockfile=readonly")
        with plugin_cache_lock():
            return subprocess.run(init, env=self.env, capture_output=True, text=True, stdin=subprocess.DEVNULL)

    def _verified_binary(self) -> Path:
        assert self.lock is not None
        wrapper = self.work / "provider"
        process = self.init_wrapper(wrapper, self.members)
        if process.returncode != 0:
            raise ProviderError(
                f"verifying the AWS provider against {self.lock} for {len(self.members)} modules and roots "
                f"failed:\n{process.stdout}{process.stderr}"
            )
        binaries = sorted(
            (wrapper / ".terraform" / "providers").glob(
                "registry.terraform.io/hashicorp/aws/*/*/terraform-provider-aws*"
            )
        )
        if len(binaries) != 1:
            raise ProviderError(f"expected one verified AWS provider binary under {wrapper}, found {binaries}")
        return binaries[0]

    def _launch(self, binary: Path) -> str:
        log_path = self.work / "provider.log"
        with log_path.open("wb") as log:
            # Its own session: a Ctrl-C on make reaches it through close(), not mid-command.
            self._process = subprocess.Popen(
                (str(binary), "-debug"), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=self.env, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            found = REATTACH.search(log_path.read_text(errors="replace"))
            if found:
                json.loads(found["config"])  # a garbled line fails here, not in every gate
                return found["config"]
            if self._process.poll() is not None:
                raise ProviderError(f"{binary.name} -debug exited {self._process.returncode}:\n{log_path.read_text()}")
            time.sleep(0.05)
        self.close()
        raise ProviderError(f"{binary.name} -debug printed no reattach configuration in {START_TIMEOUT:.0f} s")

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)  # debug mode serves until interrupted
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
