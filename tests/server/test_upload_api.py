"""Uploads and jobs through the JSON API: a script sends files as the Upload page does, follows
the job, and retries or cancels it, with a token instead of a browser's cookies."""

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from annotate import accounts
from annotate.store.models import Claim, Document
from tests.server.test_upload import REPORT, SECOND


@pytest.fixture
def token_for(app, record, users):
    clients = []

    def make(name: str) -> TestClient:
        client = TestClient(app, headers={"Authorization": f"Bearer {accounts.create_api_token(record, name, 'tests')}"})
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def send(client, files: list[tuple[str, bytes]], **form):
    return client.post("/api/uploads", files=[("files", (name, data, "application/octet-stream")) for name, data in files], data=form)


def follow(record, client, url: str) -> dict:
    """The job as JSON once it is over (on PostgreSQL the queue is run here, as a worker would)."""
    if record.engine.dialect.name != "sqlite":
        from tests.jobs.drain import drain

        drain(record)
    for _ in range(300):
        job = client.get(url).json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"the job did not finish: {job}")


def test_a_script_uploads_files_and_follows_its_job_to_each_files_outcome(record, token_for):
    alice = token_for("alice")
    feed = (json.dumps({"title": "Floods", "text": SECOND}) + "\n{not json\n").encode()
    response = send(alice, [("harbour.txt", REPORT.encode()), ("scan.pdf", b"%PDF-1.4"), ("feed.jsonl", feed)])
    assert response.status_code == 202 and response.headers["location"] == response.json()["url"]
    job = follow(record, alice, response.json()["url"])

    assert (job["status"], job["origin"], job["actor"], job["documents"], job["added"], job["failed"], job["partly"]) == ("done", "api", "alice", 2, 2, 1, 1)
    files = {f["name"]: f for f in job["files"]}
    assert files["scan.pdf"]["status"] == "refused" and "unsupported file type '.pdf'" in files["scan.pdf"]["errors"][0]
    assert files["feed.jsonl"]["status"] == "done" and files["feed.jsonl"]["errors"][0].startswith("line 2: invalid JSON")
    with record.session() as session:
        claims = session.execute(select(func.count()).select_from(Claim).where(Claim.document_id.in_(files["harbour.txt"]["document_ids"]))).scalar()
    assert claims > 0  # proposed, as the page's default is
    assert alice.get("/api/jobs").json()[0]["id"] == job["id"]
    assert [f["name"] for f in alice.get(f"{response.json()['url']}?limit=1").json()["files"]] == ["scan.pdf"]  # the one to act on first


def test_without_pre_annotation_and_with_a_bad_flag(record, token_for):
    alice = token_for("alice")
    assert send(alice, [("harbour.txt", REPORT.encode())], preannotate="maybe").status_code == 422
    follow(record, alice, send(alice, [("harbour.txt", REPORT.encode())], preannotate="false").json()["url"])
    with record.session() as session:
        assert session.execute(select(func.count()).select_from(Document)).scalar() == 1
        assert session.execute(select(func.count()).select_from(Claim)).scalar() == 0


def test_only_the_uploader_or_a_lead_acts_on_a_job_and_a_finished_one_has_nothing_to_retry(record, token_for):
    alice, bob, lea = token_for("alice"), token_for("bob"), token_for("lea")
    url = send(alice, [("harbour.txt", REPORT.encode())]).json()["url"]
    follow(record, alice, url)
    assert bob.post(f"{url}/cancel").status_code == 403
    assert lea.post(f"{url}/retry").status_code == 422 and "nothing left to do" in lea.post(f"{url}/retry").json()["detail"]
    assert alice.post(f"{url}/cancel").json()["status"] == "cancelled"
    assert alice.post(f"{url}/restart").status_code == 422
    assert alice.get("/api/jobs/999999").status_code == 404


def test_a_browser_session_cannot_upload_through_the_api_without_its_csrf_token(alice):
    response = alice.client.post("/api/uploads", files=[("files", ("a.txt", REPORT.encode(), "text/plain"))])
    assert response.status_code == 403


def test_an_upload_over_the_limit_is_refused_and_nothing_stays_on_disk(record, app, users, settings_for):
    from server.app import create_app

    small = create_app(settings_for(upload_max_mb=0.5))
    token = accounts.create_api_token(record, "alice", "tests")
    with TestClient(small, headers={"Authorization": f"Bearer {token}"}) as client:
        response = send(client, [("big.txt", b"word " * 120_000)])
    assert response.status_code == 413 and "at most 0.5 MB" in response.json()["detail"]
    spool = Path(record.settings.home) / "uploads"
    assert not spool.exists() or not any(spool.iterdir())
