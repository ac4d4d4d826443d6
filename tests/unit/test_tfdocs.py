"""tools/tfdocs.py: the HCL scanner, the tables, the marker handling and the stale check."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import tfdocs

ROOT = Path(__file__).resolve().parents[2]

VARIABLES = """
# A comment with { braces } and "quotes" that must not confuse the scanner.
variable "subscribers" {
  description = <<-EOT
    One entry per consumer.
    The key | names its queue.
  EOT
  type = map(object({
    handler = string # trailing comment }
    filter  = optional(string, "{\\"plan\\": [\\"pro\\"]}")
  }))

  validation {
    condition     = length(var.subscribers) >= 1
    error_message = "subscribers needs an entry, for example ${jsonencode({ a = "}" })}."
  }
}

variable "name" {
  description = "Name of \\"the\\" topic."
  type        = string
}

variable "tags" {
  type    = map(string)
  default = { team = "a|b" }
}

/* a block comment
variable "ignored" {} */
"""

MAIN = """
terraform {
  required_version = ">= 1.11"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }
}

data "aws_region" "current" {}

resource "aws_sqs_queue" "this" {
  for_each = var.subscribers
  name     = "${var.name}-${each.key}"
  dynamic "tag" {
    for_each = {}
    content {}
  }
}

module "consumer" {
  source   = "../lambda-function"
  for_each = var.subscribers
}

output "secret" {
  description = "A token."
  value       = "x"
  sensitive   = true
}
"""


@pytest.fixture
def module(tmp_path: Path) -> Path:
    (tmp_path / "variables.tf").write_text(VARIABLES)
    (tmp_path / "main.tf").write_text(MAIN)
    (tmp_path / "README.md").write_text("# demo\n\nHand-written usage.\n")
    return tmp_path


def test_reads_blocks_as_written(module: Path) -> None:
    parsed = tfdocs.read_module(module)
    assert [v.name for v in parsed.variables] == ["name", "subscribers", "tags"]
    name, subscribers, tags = parsed.variables
    assert (name.description, name.type, name.default) == ('Name of "the" topic.', "string", None)
    assert subscribers.description == "One entry per consumer.\nThe key | names its queue."
    assert subscribers.type.split("\n") == [
        "map(object({",
        "  handler = string # trailing comment }",
        '  filter  = optional(string, "{\\"plan\\": [\\"pro\\"]}")',
        "}))",
    ]
    assert tags.default == '{ team = "a|b" }' and tags.description == ""
    assert parsed.requirements == [("terraform", ">= 1.11"), ("aws", ">= 5.100")]
    assert parsed.calls == [("consumer", "../lambda-function")]
    assert parsed.resources == [("data.aws_region.current", "data source"), ("aws_sqs_queue.this", "resource")]
    assert [(o.name, o.sensitive) for o in parsed.outputs] == [("secret", True)]


def test_renders_terraform_docs_tables(module: Path) -> None:
    text = tfdocs.render(tfdocs.read_module(module))
    assert text.startswith(tfdocs.BEGIN + "\n") and text.endswith(tfdocs.END + "\n")
    rows = {line.split("](#")[0].rsplit("[", 1)[-1]: line for line in text.splitlines() if "](#input_" in line}
    assert rows["name"].endswith('| Name of "the" topic. | `string` | n/a | yes |')
    assert "One entry per consumer. The key \\| names its queue." in rows["subscribers"]
    assert "<pre>map(object({<br/>  handler = string # trailing comment }<br/>" in rows["subscribers"]
    assert rows["tags"].endswith('| n/a | `map(string)` | `{ team = "a\\|b" }` | no |')
    assert "| A token. (sensitive) |" in text and "| `aws_sqs_queue.this` | resource |" in text


def test_replaces_only_the_marked_section() -> None:
    readme = f"# m\n\nusage\n\n{tfdocs.BEGIN}\nold\n{tfdocs.END}\n\n## Notes\nkept\n"
    assert tfdocs.updated(readme, f"{tfdocs.BEGIN}\nnew\n{tfdocs.END}\n") == (
        f"# m\n\nusage\n\n{tfdocs.BEGIN}\nnew\n{tfdocs.END}\n\n## Notes\nkept\n"
    )
    assert tfdocs.updated("# m\n", "T\n") == "# m\n\nT\n"
    with pytest.raises(tfdocs.TfDocsError):
        tfdocs.updated(f"# m\n{tfdocs.END}\n", "T\n")


def test_check_fails_on_a_stale_readme_and_write_fixes_it(module: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (module / "README.md").read_text()
    assert tfdocs.main(["--check", str(module)]) == 1
    assert "README.md" in capsys.readouterr().out and (module / "README.md").read_text() == before
    assert tfdocs.main([str(module)]) == 0
    assert (module / "README.md").read_text().startswith("# demo\n\nHand-written usage.\n\n" + tfdocs.BEGIN)
    assert tfdocs.main(["--check", str(module)]) == 0
    # A new input makes it stale again.
    with (module / "variables.tf").open("a") as f:
        f.write('\nvariable "added" {\n  type = bool\n}\n')
    assert tfdocs.main(["--check", str(module)]) == 1


def test_an_unreadable_construct_fails_loudly(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('variable "x" {\n  description = "never closed\n}\n')
    with pytest.raises(tfdocs.TfDocsError, match=r"main\.tf:2"):
        tfdocs.read_module(tmp_path)


def test_every_platform_input_is_in_its_readme() -> None:
    readme = (ROOT / "modules" / "platform" / "README.md").read_text()
    names = [v.name for v in tfdocs.read_module(ROOT / "modules" / "platform").variables]
    assert "voting" in names and all(f'<a name="input_{n}"></a>' in readme for n in names)
