"""Each format through the third-party checks in ../shared/validators (skipped where absent)."""

import subprocess
import sys
from pathlib import Path

import pytest

from exports.claims import Filters
from exports.manifest import export

VALIDATORS = Path(__file__).resolve().parents[2].parent / "shared" / "validators"
OPTIONS = {"base_url": "https://claims.example.org", "org": "Example Fact Desk"}
CHECKS = {
    "webannotation": ["validate_webanno.py"],
    "prov": ["validate_prov.py", "--strict-refs"],
    "claimreview": ["validate_claimreview.py", "--strict"],
}


def validate(script: list[str], path: Path) -> subprocess.CompletedProcess:
    if not (VALIDATORS / script[0]).exists():
        pytest.skip(f"{VALIDATORS} is not here")
    result = subprocess.run([sys.executable, str(VALIDATORS / script[0]), *script[1:], str(path)], capture_output=True, text=True)
    if "ModuleNotFoundError" in result.stderr:
        pytest.skip(f"the validator needs packages of the test extra: {result.stderr.strip().splitlines()[-1]}")
    return result


@pytest.mark.parametrize("fmt", CHECKS)
@pytest.mark.parametrize("cut", ["head", "cut"])
def test_export_passes_the_conformance_check(sample, tmp_path, fmt, cut):
    path = tmp_path / f"claims.{fmt}"
    with sample.record.session() as session:
        manifest = export(session, fmt, path, Filters(), getattr(sample, cut), OPTIONS)
    assert manifest["counts"]["records"] > 0
    result = validate(CHECKS[fmt], path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_checks_do_fail_on_a_broken_export(sample, tmp_path):
    """The validators are not just saying yes: drop a required part and they fail."""
    path = tmp_path / "claims.jsonl"
    with sample.record.session() as session:
        export(session, "webannotation", path, Filters(), None, OPTIONS)
    path.write_text(path.read_text().replace('"exact"', '"exactly"'))
    assert validate(CHECKS["webannotation"], path).returncode == 1
