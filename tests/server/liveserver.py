"""The app in a real uvicorn process on 127.0.0.1, for tests that need real concurrency
(the TestClient runs one request at a time)."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(settings, secret: str, **env_extra: str):
    """`uvicorn --factory server.app:app_from_env` on this record; yields its address."""
    port = free_port()
    env = {
        **os.environ,
        "CLAIMTRAIL_HOME": str(settings.home),
        "CLAIMTRAIL_SECRET": secret,
        "CLAIMTRAIL_DATABASE_URL": settings.resolved_database_url,
        **env_extra,
    }
    log = tempfile.TemporaryFile()  # not a pipe: a pipe nobody reads fills up and stalls the server
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "server.app:app_from_env", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{address}/login", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            process.kill()
            log.seek(0)
            raise RuntimeError(f"the server did not start: {log.read().decode(errors='replace')[-2000:]}")
        yield address
    finally:
        log.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
