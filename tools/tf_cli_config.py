"""Write the Terraform CLI config the project uses (TF_CLI_CONFIG_FILE, set by the Makefile).

If this machine has a filesystem mirror of hashicorp/aws, Terraform installs from it (no
registry access needed); otherwise from the public registry. Also checks that Terraform is
installed and new enough, and says in one line what to install when it is not.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MIN_TERRAFORM = (1, 11, 0)
PROVIDER = Path("registry.terraform.io/hashicorp/aws")
# Where images and installers usually put mirrors; SWITCHYARD_TF_MIRROR wins when set.
CANDIDATE_ROOTS = [
    "/opt/tf-plugins",
    "/usr/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    str(Path.home() / ".terraform.d/plugins"),
    str(Path.home() / ".local/share/terraform/plugins"),
]
SEARCH_ROOTS = ["/opt", "/usr/local", "/usr/share"]
PROJECT_CONFIG = Path(__file__).resolve().parent.parent / ".terraform.d" / "cli.tfrc"


@contextmanager
def plugin_cache_lock(config: Path = PROJECT_CONFIG) -> Iterator[None]:
    """Hold while a `terraform init` may install into the shared plugin cache.

    Terraform's plugin cache is not safe for concurrent installs ("mkdir ... file exists" on
    a cold cache), and make policy and pytest -n 2 run several inits at once. A file lock, so
    separate processes queue too.
    """
    config.parent.mkdir(parents=True, exist_ok=True)
    with (config.parent / ".init.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def find_mirror() -> Path | None:
    explicit = os.environ.get("SWITCHYARD_TF_MIRROR")
    if explicit:
        return Path(explicit) if (Path(explicit) / PROVIDER).is_dir() else None
    for root in CANDIDATE_ROOTS:
        if (Path(root) / PROVIDER).is_dir():
            return Path(root)
    for base in SEARCH_ROOTS:
        for binary in Path(base).glob("**/terraform-provider-aws_*"):
            parts = binary.parts
            if "registry.terraform.io" in parts:
                return Path(*parts[: parts.index("registry.terraform.io")])
    return None


def terraform_version() -> tuple[int, int, int] | None:
    if not shutil.which("terraform"):
        return None
    out = subprocess.run(
        ["terraform", "version"], capture_output=True, text=True, env={**os.environ, "TF_CLI_CONFIG_FILE": os.devnull}
    ).stdout
    match = re.search(r"Terraform v(\d+)\.(\d+)\.(\d+)", out)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def render(mirror: Path | None, plugin_cache: Path) -> str:
    lines = [f'plugin_cache_dir = "{plugin_cache}"', "disable_checkpoint = true", ""]
    if mirror:
        lines += [
            "provider_installation {",
            "  filesystem_mirror {",
            f'    path    = "{mirror}"',
            '    include = ["registry.terraform.io/hashicorp/*"]',
            "  }",
            "  direct {",
            '    exclude = ["registry.terraform.io/hashicorp/*"]',
            "  }",
            "}",
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    version = terraform_version()
    wanted = ".".join(map(str, MIN_TERRAFORM))
    if version is None:
        print(
            f"error: terraform not found on PATH; install Terraform >= {wanted} "
            "(https://developer.hashicorp.com/terraform/install)",
            file=sys.stderr,
        )
        return 1
    if version < MIN_TERRAFORM:
        print(
            f"error: terraform {'.'.join(map(str, version))} is too old; install Terraform "
            f">= {wanted} (S3 native state locking needs it)",
            file=sys.stderr,
        )
        return 1
    mirror = find_mirror()
    plugin_cache = args.output.parent / "plugin-cache"
    plugin_cache.mkdir(parents=True, exist_ok=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    content = render(mirror, plugin_cache.resolve())
    if not args.output.exists() or args.output.read_text() != content:
        args.output.write_text(content)
    source = f"filesystem mirror {mirror}" if mirror else "the public registry"
    print(f"terraform {'.'.join(map(str, version))}: providers from {source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
