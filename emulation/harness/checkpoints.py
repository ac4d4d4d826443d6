"""Where a stream mapping's position lives: with the mapping, in the service.

Lambda keeps each stream event source mapping's checkpoint (per shard) for as long as the
mapping exists; `StartingPosition` (TRIM_HORIZON, LATEST) applies only when the mapping is new.
The emulator keeps it on its mapping (emulator_patches.stream_checkpoints), so a second traffic
run, in another process, goes on where the first stopped, and a deleted mapping takes it along.
"""

from __future__ import annotations

import json
import urllib.request

from emulation import emulator_patches


class StreamCheckpoints:
    def __init__(self, account: str, region: str, endpoint_url: str | None = None) -> None:
        """`endpoint_url` None: moto in this process (unit tests)."""
        self.account = account
        self.region = region
        self.endpoint_url = endpoint_url

    def get(self, uuid: str, shard: str) -> str | None:
        return self._call(uuid, shard, None)

    def put(self, uuid: str, shard: str, sequence: str) -> None:
        self._call(uuid, shard, sequence)

    def _call(self, uuid: str, shard: str, sequence: str | None) -> str | None:
        if self.endpoint_url is None:
            return emulator_patches.stream_checkpoint(self.account, self.region, uuid, shard, sequence)
        body = {"account": self.account, "region": self.region, "uuid": uuid, "shard": shard}
        if sequence is not None:
            body["sequence"] = sequence
        request = urllib.request.Request(  # noqa: S310 - the local emulator's http URL
            self.endpoint_url.rstrip("/") + emulator_patches.STREAM_CHECKPOINT_PATH,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            found = json.loads(response.read())["sequence"]
        return None if found is None else str(found)
