"""The project works from a built wheel, not only from the checkout."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)], check=True, capture_output=True)
    return next(out.glob("claimtrail-*.whl"))


def test_every_package_templates_migrations_and_assets_are_in_the_wheel(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for init in ROOT.glob("*/**/__init__.py"):
        relative = init.relative_to(ROOT).as_posix()
        if relative.split("/")[0] in ("annotate", "server", "exports"):
            assert relative in names, f"{relative} is missing: add its package to pyproject.toml"
    shipped = {
        "templates": ("server/templates/", ROOT / "templates", "*.html"),
        "migrations": ("annotate/migrations/versions/", ROOT / "alembic" / "versions", "*.py"),
        "static files": ("server/static/", ROOT / "server" / "static", "*"),
    }
    for what, (prefix, folder, pattern) in shipped.items():
        expected = {p.name for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts}
        found = {Path(n).name for n in names if n.startswith(prefix)}
        assert expected <= found, f"{what} missing from the wheel: {sorted(expected - found)}"


def test_the_installed_wheel_creates_a_database_away_from_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)], check=True)
    env = {**os.environ, "PYTHONPATH": str(target), "CLAIMTRAIL_HOME": str(tmp_path / "home")}
    env.pop("CLAIMTRAIL_DATABASE_URL", None)
    code = "import annotate.store.db as d, server.templating as t; print(d.migrations_dir()); print(t.TEMPLATES); from server.cli import main; main()"
    result = subprocess.run([sys.executable, "-c", code, "init"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    migrations, templates = result.stdout.splitlines()[:2]
    assert migrations.startswith(str(target)) and templates.startswith(str(target))
    assert (tmp_path / "home" / "claimtrail.sqlite").exists()
