"""The documentation keeps up with the code: every decision kind, every CLI command and every
setting the code reads is documented, so a newcomer never meets one only in the source."""

import re
from pathlib import Path

import typer.main

from annotate.store.kinds import ALIASES, Kind
from server.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_paths(command, prefix=()):
    if hasattr(command, "commands"):  # a group
        for name, sub in command.commands.items():
            yield from command_paths(sub, (*prefix, name))
    else:
        yield " ".join(prefix)


def readme_commands() -> set[str]:
    """Commands named in the README's CLI table, with "links add/remove" read as two."""
    found = set()
    for row in re.findall(r"^\| `claimtrail ((?:[^|\\]|\\\|)*)\|", README, re.M):
        for part in row.split("·"):
            words = re.sub(r"`", "", part).split()
            names = [w for w in words if not w.startswith(("-", "[", "<")) and w.replace("/", "").replace("-", "").isalpha() and w.islower()]
            if not names:
                continue
            group, *rest = names
            subs = rest[0].split("/") if rest else [""]
            found |= {f"{group} {s}".strip() for s in subs}
            if group not in found and not rest:
                found.add(group)
    return found


def test_every_cli_command_is_in_the_readme():
    documented = readme_commands()
    missing = sorted(p for p in command_paths(typer.main.get_command(app)) if p not in documented)
    assert not missing, f"add these commands to README.md's CLI table: {missing}"


def test_every_decision_kind_and_alias_is_in_docs():
    text = (ROOT / "docs" / "decisions.md").read_text(encoding="utf-8")
    missing = [k.value for k in Kind if f"`{k.value}`" not in text] + [a for a in ALIASES if f"`{a}`" not in text]
    assert not missing, f"document these decision kinds in docs/decisions.md: {missing}"


def test_every_setting_the_code_reads_is_in_the_readme():
    names = set()
    for package in ("annotate", "server", "exports"):
        for path in (ROOT / package).rglob("*.py"):
            names |= set(re.findall(r"\bCLAIMTRAIL_[A-Z_]+\b", path.read_text(encoding="utf-8")))
    table = {m for m in re.findall(r"^\| `(CLAIMTRAIL_[A-Z_]+)`", README, re.M)}
    assert names - table == set(), f"add these settings to README.md's Configuration table: {sorted(names - table)}"
