"""Fixtures for the Label Studio round trip: a small record with candidates, a simulated
Label Studio (its export shapes, as recorded in ../shared/research/label-studio.md), and a
real Label Studio server for the tests marked `labelstudio`.

The server runs from its own venv (scripts/labelstudio-venv.sh; $CLAIMTRAIL_LS_VENV or
<repo>/.ls-venv), bound to 127.0.0.1 on a free port, offline (no analytics, no version
check, no Sentry), with a legacy API token. Where it cannot start, those tests skip and
say why.
"""

import importlib.util
import os
from pathlib import Path

import pytest

from tests.factories import Seeded, seed
from tests.labelstudio.lsserver import LabelStudioServer, ServerUnavailable


@pytest.fixture
def seeded(record) -> Seeded:
    return seed(record)


# --- a real Label Studio server -------------------------------------------------------------


def sdk_available() -> bool:
    return importlib.util.find_spec("label_studio_sdk") is not None


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory):
    """A running Label Studio server for this session; skips the test when there is none."""
    if not sdk_available():
        pytest.skip("label-studio-sdk is not installed in this venv: pip install 'claimtrail[labelstudio]'")
    repo = Path(__file__).resolve().parents[2]
    venv = Path(os.environ.get("CLAIMTRAIL_LS_VENV") or repo / ".ls-venv")
    server = LabelStudioServer(venv, tmp_path_factory.mktemp("label-studio"))
    try:
        server.start(timeout=float(os.environ.get("CLAIMTRAIL_LS_TIMEOUT", "240")))
    except ServerUnavailable as why:
        pytest.skip(f"no Label Studio server: {why}")
    yield server
    server.stop()


@pytest.fixture
def ls_client(label_studio):
    from annotate.labelstudio.client import connect

    return connect(label_studio.url, label_studio.token)
