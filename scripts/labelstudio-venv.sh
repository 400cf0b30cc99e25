#!/usr/bin/env bash
# Create the separate venv that runs a real Label Studio server for the `labelstudio` tests.
#
# Label Studio pins its own label-studio-sdk (==2.1.2 for 1.23.x) and ~160 packages, so it
# never goes into our .venv. Idempotent: an existing, working venv is left alone. It also
# keeps a migrated server data dir in the venv (claimtrail-template/) for fast test starts.
#
#   scripts/labelstudio-venv.sh [VENV_DIR]       default: .ls-venv beside this repo's .venv
#   LABEL_STUDIO_VERSION=1.23.2 PYTHON=python3.11 scripts/labelstudio-venv.sh
#
# The tests find it at $CLAIMTRAIL_LS_VENV, else <repo>/.ls-venv.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="${1:-${CLAIMTRAIL_LS_VENV:-$repo/.ls-venv}}"
version="${LABEL_STUDIO_VERSION:-1.23.2}"
python="${PYTHON:-python3.11}"

if ! { [ -x "$venv/bin/label-studio" ] && "$venv/bin/python" -c "import label_studio" 2>/dev/null; }; then
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet "label-studio==$version"
fi
"$venv/bin/python" -c "import label_studio; print('label-studio', label_studio.__version__, 'in', '$venv')"
# A migrated data dir the tests copy, so each test session starts warm (~7 s, not ~40-90 s).
"$venv/bin/python" "$repo/tests/labelstudio/lsserver.py" template "$venv"
