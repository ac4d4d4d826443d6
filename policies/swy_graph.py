"""Cross-resource facts for the Switchyard checks: which queue is a DLQ, which one is alarmed.

checkov's Python checks see one resource at a time and its YAML graph checks cannot say "a
queue that another queue's redrive policy points to must have an alarm". So the checks that
need a neighbour build a small reference graph of the resource's own Terraform module:

- Terraform source (`checkov -d DIR`): every `*.tf` file in the folder of the resource's file,
  parsed with checkov's own HCL parser; a reference is any `aws_<type>.<name>` in an attribute.
- Plan JSON (`checkov -f plan.json`): the plan's `configuration` section, which lists every
  attribute's `references`, per module call; literal values come from `planned_values`.

A scope is one module instance: references never cross module boundaries, so a DLQ and its
alarm must live in the same module (Switchyard's modules keep them together).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

REFERENCE = re.compile(r"(?<![\w.])(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)")
ADDRESS = re.compile(
    r"^(?P<module>(?:module\.[^.\[]+(?:\[[^\]]*\])?\.)*)(?P<type>[a-z0-9_]+)\.(?P<name>[A-Za-z0-9_-]+)"
)


@dataclass
class Resource:
    type: str
    name: str
    # dotted attribute path ("redrive_policy", "dead_letter_config.target_arn") -> referenced "type.name"
    references: dict[str, set[str]] = field(default_factory=dict)
    # attribute -> literal value when known (source literal or planned value)
    values: dict[str, Any] = field(default_factory=dict)
    # every dotted attribute path that is set, to a literal or an expression
    paths: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return f"{self.type}.{self.name}"

    def sets(self, prefix: str) -> bool:
        """True when the attribute `prefix` or anything nested under it is set."""
        return any(path == prefix or path.startswith(prefix + ".") for path in self.paths)

    def refs(self, prefix: str) -> set[str]:
        """References made by the attribute `prefix` or anything nested under it."""
        out: set[str] = set()
        for path, targets in self.references.items():
            if path == prefix or path.startswith(prefix + "."):
                out |= targets
        return out


Scope = dict[str, Resource]


def _add_reference(resource: Resource, path: str, text: str) -> None:
    for match in REFERENCE.finditer(text):
        resource.references.setdefault(path, set()).add(f"{match[1]}.{match[2]}")


def _walk_source(resource: Resource, path: str, value: Any) -> None:
    if value not in (None, "", [], {}):
        resource.paths.add(path)
    if isinstance(value, str):
        _add_reference(resource, path, value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk_source(resource, f"{path}.{key}" if path else key, item)
    elif isinstance(value, list):
        for item in value:
            _walk_source(resource, path, item)


def _literal(value: Any) -> Any:
    """hcl2 wraps every attribute in a list; unwrap and drop interpolations."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, str) and "${" in value:
        return None
    return value


@lru_cache(maxsize=64)
def source_scope(folder: str) -> Scope:
    import hcl2  # checkov's own HCL parser (bc-python-hcl2)

    scope: Scope = {}
    for tf in sorted(Path(folder).glob("*.tf")):
        try:
            with tf.open() as handle:
                parsed = hcl2.load(handle)
        except Exception:  # noqa: S112 - checkov itself reports files it cannot parse
            continue
        for block in parsed.get("resource", []):
            for rtype, named in block.items():
                for name, body in named.items():
                    resource = Resource(rtype, name)
                    for attribute, value in body.items():
                        _walk_source(resource, attribute, value)
                        resource.values[attribute] = _literal(value)
                    scope[resource.key] = resource
    return scope


def _walk_plan_expressions(resource: Resource, path: str, expressions: Any) -> None:
    if isinstance(expressions, list):
        for item in expressions:
            _walk_plan_expressions(resource, path, item)
        return
    if not isinstance(expressions, dict):
        return
    if "references" in expressions or "constant_value" in expressions:
        if expressions.get("references") or expressions.get("constant_value") not in (None, "", [], {}):
            resource.paths.add(path)
        for reference in expressions.get("references", []):
            _add_reference(resource, path, reference)
        if "constant_value" in expressions:
            resource.values.setdefault(path, expressions["constant_value"])
        return
    for key, item in expressions.items():
        _walk_plan_expressions(resource, f"{path}.{key}" if path else key, item)


def _plan_values(module: dict[str, Any], out: dict[str, dict[str, Any]]) -> None:
    for resource in module.get("resources", []):
        module_path, _, _ = _split_address(resource.get("address", ""))
        out.setdefault(f"{module_path}|{resource['type']}.{resource['name']}", resource.get("values") or {})
    for child in module.get("child_modules", []):
        _plan_values(child, out)


def _plan_config(
    module: dict[str, Any], prefix: str, values: dict[str, dict[str, Any]], scopes: dict[str, Scope]
) -> None:
    scope = scopes.setdefault(prefix, {})
    for item in module.get("resources", []):
        if item.get("mode", "managed") != "managed":
            continue
        resource = Resource(item["type"], item["name"])
        _walk_plan_expressions(resource, "", item.get("expressions", {}))
        resource.values.update(values.get(f"{prefix}|{resource.key}", {}))
        scope[resource.key] = resource
    for name, call in module.get("module_calls", {}).items():
        _plan_config(call.get("module", {}), f"{prefix}module.{name}.", values, scopes)


@lru_cache(maxsize=8)
def plan_scopes(plan_file: str) -> dict[str, Scope]:
    plan = json.loads(Path(plan_file).read_text())
    values: dict[str, dict[str, Any]] = {}
    _plan_values(plan.get("planned_values", {}).get("root_module", {}), values)
    scopes: dict[str, Scope] = {}
    _plan_config(plan.get("configuration", {}).get("root_module", {}), "", values, scopes)
    return scopes


def _split_address(address: str) -> tuple[str, str, str]:
    """ "module.a["x"].module.b.aws_sqs_queue.q[0]" -> ("module.a.module.b.", "aws_sqs_queue", "q")."""
    match = ADDRESS.match(address)
    if not match:
        return "", "", ""
    module = re.sub(r"\[[^\]]*\]", "", match["module"])
    return module, match["type"], match["name"]


def _scan_roots() -> list[Path]:
    """The folders/files checkov was asked to scan (scanned_file paths are relative to them).

    Read from sys.argv: the checkov CLI's own arguments, or those of the current scan when
    tools/checkov_batch.py runs several scans in one interpreter (it sets sys.argv per scan)."""
    roots: list[Path] = []
    argv = sys.argv[1:]
    for index, arg in enumerate(argv):
        for flag in ("-d", "--directory", "-f", "--file"):
            if arg == flag and index + 1 < len(argv):
                roots.append(Path(argv[index + 1]))
            elif arg.startswith(flag + "="):
                roots.append(Path(arg.split("=", 1)[1]))
    return roots


def _resolve(scanned_file: str) -> Path | None:
    candidate = Path(scanned_file)
    if candidate.is_file():
        return candidate.resolve()
    for root in _scan_roots():
        base = root if root.is_dir() else root.parent
        joined = base / scanned_file.lstrip("/")
        if joined.is_file():
            return joined.resolve()
    return None


def scope_of(entity_path: str, address: str) -> tuple[Scope, Resource | None]:
    """The module scope of the resource being checked, and that resource in it."""
    scanned_file = entity_path.rsplit(":", 2)[0]
    module, rtype, name = _split_address(address)
    path = _resolve(scanned_file)
    if path is None:
        return {}, None
    scope = plan_scopes(str(path)).get(module, {}) if path.suffix == ".json" else source_scope(str(path.parent))
    return scope, scope.get(f"{rtype}.{name}")


def is_sandbox_root() -> bool:
    """Source scans of environments/sandbox* (provider default_tags are not merged into source)."""
    return any(root.resolve().name.startswith("sandbox") for root in _scan_roots())


# --- facts -----------------------------------------------------------------------------------

DLQ_REFERENCES = {
    "aws_sqs_queue": ("redrive_policy",),
    "aws_sqs_queue_redrive_policy": ("redrive_policy",),
    "aws_sns_topic_subscription": ("redrive_policy",),
    "aws_lambda_event_source_mapping": ("destination_config.on_failure",),
    "aws_lambda_function": ("dead_letter_config",),
    "aws_lambda_function_event_invoke_config": ("destination_config.on_failure",),
    "aws_cloudwatch_event_target": ("dead_letter_config",),
    "aws_pipes_pipe": ("source_parameters",),
}


def first(value: Any) -> Any:
    while isinstance(value, list) and value:
        value = value[0]
    return None if isinstance(value, list) else value


def name_of(conf: dict[str, Any]) -> str:
    value = first(conf.get("name"))
    return value if isinstance(value, str) else ""


def dlq_sources(scope: Scope, queue_key: str) -> list[str]:
    """Resources in the scope that send failures to `queue_key`."""
    found = []
    for resource in scope.values():
        for attribute in DLQ_REFERENCES.get(resource.type, ()):
            if queue_key in resource.refs(attribute) and resource.key != queue_key:
                found.append(f"{resource.key}.{attribute}")
    return found


def is_dlq(scope: Scope, queue_key: str, conf: dict[str, Any]) -> bool:
    """The rule documented in policies/README.md: something dead-letters into it, or it is named *-dlq."""
    if dlq_sources(scope, queue_key):
        return True
    return bool(re.search(r"-dlq(\.fifo)?$", name_of(conf)))


def depth_alarms(scope: Scope, queue_key: str) -> list[str]:
    return [
        resource.key
        for resource in scope.values()
        if resource.type == "aws_cloudwatch_metric_alarm" and queue_key in resource.refs("dimensions")
    ]


def _delivery_refs(resource: Resource) -> set[str]:
    """What an SNS subscription or EventBridge target delivers to."""
    if resource.type == "aws_sns_topic_subscription":
        return resource.refs("endpoint")
    if resource.type == "aws_cloudwatch_event_target":
        return resource.refs("arn")
    return set()


def publishers(scope: Scope, queue_key: str) -> list[str]:
    """SNS subscriptions and EventBridge targets that deliver to `queue_key`."""
    found = []
    for resource in scope.values():
        if queue_key in _delivery_refs(resource):
            found.append(resource.key)
    return found


def has_redrive_resource(scope: Scope, queue_key: str) -> bool:
    return any(r.type == "aws_sqs_queue_redrive_policy" and queue_key in r.refs("queue_url") for r in scope.values())


def queue_is_fifo(scope: Scope, queue_key: str) -> bool:
    queue = scope.get(queue_key)
    if queue is None:
        return False
    name = first(queue.values.get("name"))
    return first(queue.values.get("fifo_queue")) is True or (isinstance(name, str) and name.endswith(".fifo"))


def async_failure_paths(scope: Scope, function_key: str) -> list[str]:
    return [
        r.key
        for r in scope.values()
        if r.type == "aws_lambda_function_event_invoke_config"
        and function_key in r.refs("function_name")
        and r.sets("destination_config.on_failure.destination")
    ]


ASYNC_PRINCIPALS = ("sns.amazonaws.com", "events.amazonaws.com", "s3.amazonaws.com", "scheduler.amazonaws.com")


def async_invokers(scope: Scope, function_key: str) -> list[str]:
    """Who invokes `function_key` asynchronously: SNS, EventBridge, S3 (permissions or wiring)."""
    found = []
    for r in scope.values():
        if r.type == "aws_lambda_permission" and function_key in r.refs("function_name"):
            if first(r.values.get("principal")) in ASYNC_PRINCIPALS:
                found.append(r.key)
        elif function_key in _delivery_refs(r):
            found.append(r.key)
    return found
