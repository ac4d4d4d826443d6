"""Read a function's configuration from its environment, once, with a clear error."""

from __future__ import annotations

import os


class ConfigurationError(RuntimeError):
    pass


def require_env(*names: str) -> dict[str, str]:
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        raise ConfigurationError(f"missing environment variable(s): {', '.join(missing)}")
    return {name: os.environ[name] for name in names}
