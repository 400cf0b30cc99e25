"""Issue 12: a large export from the web form runs as a job (SQLite: the web process's job
thread; PostgreSQL: a worker), its page shows the claims read, and the file, with its
manifest, downloads once done: the same bytes a synchronous export of that cut gives."""

import io
import json
import zipfile

import pytest

from annotate.jobs import exporting
from exports.claims import Filters
from exports.manifest import export
from tests.factories import seed
from tests.server.test_upload import finish


@pytest.fixture
def seeded(record):
    return seed(record)


def form(lead, **fields):
    return lead.post("/export", {"format": "jsonl", "status": "candidate", **fields}, htmx=False)


def test_a_large_export_is_a_job_whose_page_offers_the_file(record, app, signed_in, seeded, monkeypatch, tmp_path):
    monkeypatch.setattr(exporting, "SYNC_CLAIMS", 0)  # every record is "large" here
    lea = signed_in("lea")
    response = form(lea)
    assert response.status_code == 303 and response.headers["location"].startswith("/upload/jobs/")
    job_url = response.headers["location"]
    page = finish(record, app, lea, job_url)
    assert 'data-status="done"' in page and "3 claims exported" in page and 'id="job-download"' in page
    job_id = job_url.rsplit("/", 1)[1]
    download = lea.get(f"/export/jobs/{job_id}/download")
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.content)) as z:
        assert sorted(z.namelist()) == ["claims-jsonl.jsonl", "claims-jsonl.jsonl.manifest.json"]
        manifest = json.loads(z.read("claims-jsonl.jsonl.manifest.json"))
        data = z.read("claims-jsonl.jsonl")
    assert manifest["counts"]["claims"] == 3 and manifest["filters"]["status"] == ["candidate"]
    with record.session() as session:  # the job's file is what a synchronous export of its cut writes
        now = export(session, "jsonl", tmp_path / "now.jsonl", Filters(("candidate",)), manifest["ledger"]["seq"], manifest["options"])
    assert now["sha256"] == manifest["sha256"] and (tmp_path / "now.jsonl").read_bytes() == data


def test_a_small_export_still_answers_with_the_file_and_reviewers_get_neither(record, app, signed_in, seeded):
    lea, alice = signed_in("lea"), signed_in("alice")
    response = form(lea)
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert form(alice).status_code == 403
    assert alice.get("/export/jobs/1/download").status_code == 403


def test_an_export_job_with_a_bad_cut_says_why_on_its_page(record, app, signed_in, seeded, monkeypatch):
    monkeypatch.setattr(exporting, "SYNC_CLAIMS", 0)
    lea = signed_in("lea")
    response = form(lea, as_of="999999")
    page = finish(record, app, lea, response.headers["location"])
    assert 'data-status="failed"' in page and "999999" in page and 'id="job-download"' not in page
    assert lea.get(f"/export/jobs/{response.headers['location'].rsplit('/', 1)[1]}/download").status_code == 404
