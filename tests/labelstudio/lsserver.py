"""Start and stop a real Label Studio server for tests and benchmarks (stdlib only, so
the Label Studio venv's own python can run it: `python lsserver.py template VENV`).

Settings from ../shared/research/label-studio.md: bind with --internal-host (--host is
only the public URL), offline (no version check, no analytics, Sentry DSNs blanked),
a superuser and a legacy API token from LABEL_STUDIO_* variables (set explicitly: the
server falls back to plain USERNAME / PASSWORD / PORT from the shell otherwise).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

USER = "admin@example.com"
TOKEN = "c1a1m7ra11c1a1m7ra11c1a1m7ra11c1a1m7ra11"  # legacy DRF token: any string longer than 5
TEMPLATE = "claimtrail-template"  # in the venv: a migrated data dir with USER and TOKEN


class ServerUnavailable(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabelStudioServer:
    def __init__(self, venv: Path, data_dir: Path, port: int | None = None):
        self.venv, self.data_dir = Path(venv), Path(data_dir)
        self.port, self.token, self.user = port or free_port(), TOKEN, USER
        self.process: subprocess.Popen | None = None
        self.log = self.data_dir / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("USERNAME", "PASSWORD", "PORT", "HOST") and not k.startswith("LABEL_STUDIO_")}
        env.update(
            LABEL_STUDIO_BASE_DATA_DIR=str(self.data_dir / "data"),
            LABEL_STUDIO_USERNAME=self.user,
            LABEL_STUDIO_PASSWORD="claimtrail-test-pass",
            LABEL_STUDIO_USER_TOKEN=self.token,
            LATEST_VERSION_CHECK="false",
            COLLECT_ANALYTICS="false",
            SENTRY_DSN="",
            FRONTEND_SENTRY_DSN="",
            FEATURE_FLAGS_OFFLINE="true",
        )
        return env

    def start(self, timeout: float = 240) -> None:
        binary = self.venv / "bin" / "label-studio"
        if not binary.exists():
            raise ServerUnavailable(f"{binary} is missing; create it with scripts/labelstudio-venv.sh")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        template = self.venv / TEMPLATE / "data"
        if template.is_dir() and not (self.data_dir / "data").exists():  # a warm start: no migrations
            shutil.copytree(template, self.data_dir / "data")
        command = [str(binary), "start", "--internal-host", "127.0.0.1", "--port", str(self.port), "--no-browser", "--enable-legacy-api-token"]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=self.environment(), start_new_session=True)
        self._wait(timeout)

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerUnavailable(f"label-studio exited with {self.process.returncode}: {self.tail()}")
            self._follow_port()  # a busy port makes the server silently pick another
            if self.healthy():
                return
            time.sleep(0.5)
        self.stop()
        raise ServerUnavailable(f"no answer from {self.url} within {timeout:.0f} s: {self.tail()}")

    def _follow_port(self) -> None:
        found = re.findall(rb"Starting development server at http://127\.0\.0\.1:(\d+)/", self.log.read_bytes())
        if found:
            self.port = int(found[-1])

    def healthy(self) -> bool:
        request = urllib.request.Request(f"{self.url}/api/projects/?page_size=1", headers={"Authorization": f"Token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return answer.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def tail(self, n: int = 800) -> str:
        return self.log.read_bytes()[-n:].decode("utf-8", "replace") if self.log.exists() else ""

    def stop(self) -> None:
        """SIGTERM to the server's own process group (it was started in a new session)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None


def make_template(venv: Path, timeout: float = 600) -> Path:
    """Start once on an empty data dir (migrations, user, token), stop, keep the data dir."""
    target = Path(venv) / TEMPLATE
    if (target / "data" / "label_studio.sqlite3").exists():
        return target
    work = Path(tempfile.mkdtemp(prefix="claimtrail-ls-"))
    server = LabelStudioServer(venv, work)
    try:
        server.start(timeout)
        server.stop()
        shutil.copytree(work / "data", target / "data", ignore=shutil.ignore_patterns("export", "media"))
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return target


if __name__ == "__main__" and sys.argv[1:2] == ["template"]:
    print(f"label-studio data template: {make_template(Path(sys.argv[2]))}")
