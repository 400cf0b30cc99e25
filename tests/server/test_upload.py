"""The upload page: files in through the app, a job per upload, its progress and per-file report;
the documents appear with candidates (SQLite: the web process runs the job; PostgreSQL: a worker)."""

import io
import re
import time
import zipfile

from sqlalchemy import func, select

from annotate.jobs.models import JobFile
from annotate.store.models import Claim, Document
from annotate.store.verify import verify

REPORT = (
    "Harbour authority reopens the northern quay\n\n"
    "The harbour authority said on Tuesday that the northern quay would reopen to cargo ships next week. "
    "A spokesperson for the port workers' union said the repairs were not finished and warned of delays.\n"
)
SECOND = (
    "Flood defences tested after the storm\n\n"
    "The regional council said that the new flood barrier held during the storm on Friday. "
    "Engineers reported that two pumping stations had failed for several hours.\n"
)


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(reviewer, files: list[tuple[str, bytes]], **form):
    parts = [("files", (name, data, "application/octet-stream")) for name, data in files]
    return reviewer.client.post("/upload", files=parts, data={"csrf_token": reviewer.csrf, "preannotate": "on", **form})


def finish(record, app, reviewer, job_url: str) -> str:
    """Wait for the job (running the PostgreSQL queue here, as a worker would) and return its page."""
    if record.engine.dialect.name != "sqlite":
        from tests.jobs.drain import drain

        drain(record)
    for _ in range(300):
        page = reviewer.get(job_url, htmx=True)
        if 'data-status="done"' in page.text or 'data-status="failed"' in page.text:
            return page.text
        time.sleep(0.1)
    raise AssertionError(f"the job did not finish: {page.text[:2000]}")


def test_an_upload_becomes_documents_with_candidates_and_names_each_bad_file(record, app, alice):
    files = [
        ("harbour.txt", REPORT.encode()),
        ("scan.pdf", b"%PDF-1.4 not a report"),
        ("bundle.zip", zipped({"inner/folder/floods.md": SECOND.encode(), "../escape.txt": b"", "deep.zip": b"PK"})),
    ]
    response = upload(alice, files)
    assert response.status_code == 303
    job_url = response.headers["location"]
    assert job_url.startswith("/upload/jobs/")

    page = finish(record, app, alice, job_url)
    assert 'data-status="done"' in page
    assert "scan.pdf" in page and "unsupported file type &#39;.pdf&#39;" in page
    assert "bundle.zip/deep.zip" in page and "an archive inside an archive" in page
    assert "bundle.zip/escape.txt" in page and "file is empty" in page  # a path in the archive is only a name
    with record.session() as session:
        docs = session.execute(select(Document.file_name, Document.path, Document.id).order_by(Document.id)).all()
        claims = session.execute(select(Claim.document_id, func.count()).group_by(Claim.document_id)).all()
    assert [d.file_name for d in docs] == ["harbour.txt", "floods.md"]
    assert all(d.path.startswith(f"upload/{job_url.rsplit('/', 1)[1]}/") for d in docs)
    assert {doc_id for doc_id, n in claims if n} == {d.id for d in docs}  # each has candidates to review
    assert f'<a href="/documents/{docs[0].id}"><bdi>Harbour authority reopens the northern quay</bdi></a>' in page  # by its title


def test_a_title_is_shown_as_text_never_as_markup(record, app, alice):
    import json

    line = json.dumps({"title": "<script>alert(1)</script> Quay", "text": REPORT})
    page = finish(record, app, alice, upload(alice, [("feed.jsonl", line.encode())]).headers["location"])
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; Quay</bdi></a>" in page
    page = finish(record, app, alice, upload(alice, [("x.txt", b"x")]).headers["location"])  # nothing to take a title from
    with record.session() as session:
        untitled = session.execute(select(Document.id).where(Document.file_name == "x.txt")).scalar_one()
    assert f'<a href="/documents/{untitled}">#{untitled}</a>' in page


def test_uploading_the_same_files_again_adds_nothing(record, app, alice):
    first = upload(alice, [("harbour.txt", REPORT.encode())]).headers["location"]
    finish(record, app, alice, first)
    again = upload(alice, [("copy-of-harbour.txt", REPORT.encode())]).headers["location"]
    page = finish(record, app, alice, again)
    assert "1 documents (0 new)" in page
    with record.session() as session:
        assert session.execute(select(func.count()).select_from(Document)).scalar() == 1
        assert session.execute(select(func.count()).select_from(JobFile).where(JobFile.data.is_not(None))).scalar() == 0  # bytes dropped once read
    assert verify(record.engine, workers=1).ok


def test_an_unticked_box_leaves_the_new_documents_without_candidates(record, app, alice):
    job_url = upload(alice, [("harbour.txt", REPORT.encode())], preannotate="").headers["location"]
    assert "1 documents (1 new)" in finish(record, app, alice, job_url)
    with record.session() as session:
        assert session.execute(select(func.count()).select_from(Claim)).scalar() == 0


def test_a_reannotation_job_counts_documents_on_its_page_not_files(record, app, alice):
    from annotate.jobs import state, tasks

    finish(record, app, alice, upload(alice, [("harbour.txt", REPORT.encode()), ("floods.txt", SECOND.encode())], preannotate="").headers["location"])
    with record.session() as session:
        job_id = state.create_job(session, "preannotate", "alice", "ui").id
        session.commit()
    tasks.preannotate_all(record, job_id)  # as `claimtrail preannotate --background` has a worker do
    page = alice.get(f"/upload/jobs/{job_id}").text
    assert 'data-status="done"' in page and "2 documents done" in page and "files" not in page.split("<table")[0]


def test_a_file_name_is_shown_as_text_never_as_markup(record, app, alice):
    job_url = upload(alice, [("<img src=x onerror=alert(1)>.pdf", b"x")]).headers["location"]
    page = alice.get(job_url).text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.pdf" in page


def test_upload_needs_the_csrf_token(app, alice):
    response = alice.client.post("/upload", files=[("files", ("a.txt", REPORT.encode(), "text/plain"))])
    assert response.status_code == 403


def test_an_upload_over_the_limit_is_refused_whole(record, settings_for, users):
    from server.app import create_app
    from tests.server.reviewdesk import browsers

    small = create_app(settings_for(upload_max_mb=0.5))
    with browsers(small) as make:
        bob = make("bob")
        response = upload(bob, [("big.txt", b"word " * 120_000)])
    assert response.status_code == 413
    assert "at most 0.5 MB" in response.text
    with record.session() as session:
        assert session.execute(select(func.count()).select_from(JobFile)).scalar() == 0


def test_the_upload_page_lists_jobs_and_links_from_the_menu(app, alice):
    upload(alice, [("scan.pdf", b"%PDF")])
    page = alice.get("/upload").text
    assert 'href="/upload"' in page and 'name="files"' in page and "multiple" in page
    assert "1 refused" in page


def test_the_uploader_or_a_lead_cancels_a_job_and_others_may_not(record, app, signed_in):
    from annotate.jobs.backend import Queue
    from annotate.jobs.intake import intake

    job = Queue(record).ingest("alice", "ui", intake([("harbour.txt", REPORT.encode())]))  # queued: no runner here
    bob, alice = signed_in("bob"), signed_in("alice")
    assert f'action="/upload/jobs/{job}/cancel"' in alice.get(f"/upload/jobs/{job}").text
    assert "/cancel" not in bob.get(f"/upload/jobs/{job}").text
    assert bob.post(f"/upload/jobs/{job}/cancel", htmx=False).status_code == 403
    assert alice.post(f"/upload/jobs/{job}/cancel", htmx=False).status_code == 303
    page = alice.get(f"/upload/jobs/{job}").text
    assert 'data-status="cancelled"' in page and "/retry" in page


def test_a_big_job_page_lists_the_refused_files_first_and_says_how_many_more(record, app, alice, monkeypatch):
    import json

    from server.routes import upload as upload_route

    monkeypatch.setattr(upload_route, "FILES_SHOWN", 3)
    good = [(f"report-{n}.txt", REPORT.replace("Tuesday", f"day {n}").encode()) for n in range(4)]
    feed = (json.dumps({"title": "Quay", "text": SECOND}) + "\n{not json\n").encode()  # read, one line refused
    job_url = upload(alice, [*good, ("feed.jsonl", feed), ("notes.pdf", b"%PDF-1.4")]).headers["location"]
    page = finish(record, app, alice, job_url)

    rows = re.findall(r"<tr class=\"(\w+)\"><td><bdi>([^<]+)</bdi>", page)
    # the ones to act on, though they came last: the refused file, then the file with a refused line
    assert rows[:2] == [("refused", "notes.pdf"), ("done", "feed.jsonl")] and len(rows) == 3
    assert "line 2: invalid JSON" in page and '<b id="job-partly">1</b> with records refused' in page
    assert "… and 3 more files" in page and "5 documents (5 new)" in page  # the counts still cover every file
    assert "6/6 · 1 refused · 1 with records refused" in alice.get("/upload").text  # and the list of jobs says so too
    every = alice.get(f"{job_url}?files=all").text
    assert len(re.findall(r"<tr class=\"\w+\"><td><bdi>", every)) == 6 and "more files" not in every


def test_a_label_studio_export_or_jsonl_may_be_larger_than_a_document_file(record, app, alice, monkeypatch):
    """A document's file is held to the readers' limit; a JSON task list (Label Studio's own
    export of 10,000 tasks with predictions is 59 MB) and a JSONL file to a larger one."""
    import json

    from annotate.ingest import limits
    from tests.labelstudio.test_ls_add_documents import TEXT, task

    monkeypatch.setattr(limits, "MAX_BYTES", 1000)
    export = json.dumps([task(n, TEXT.replace("3 March", f"{n} March")) for n in range(1, 6)]).encode()
    lines = "".join(json.dumps({"title": f"Quay report {n}", "text": REPORT.replace("Tuesday", f"day {n}")}) + "\n" for n in range(4)).encode()
    assert len(export) > 1000 and len(lines) > 1000 and max(map(len, lines.splitlines())) < 1000
    files = [("export.json", export), ("quays.jsonl", lines), ("long.txt", REPORT.encode() * 6)]

    page = finish(record, app, alice, upload(alice, files).headers["location"])
    assert "long.txt" in page and "larger than 1000 bytes (a file&#39;s limit)" in page
    with record.session() as session:
        names = session.execute(select(Document.file_name)).scalars().all()
        predicted = session.execute(select(func.count()).select_from(Claim).where(Claim.annotator == "ner@1")).scalar()
    assert sorted({name.split("#")[0] for name in names}) == ["export.json", "quays.jsonl"] and len(names) == 9
    assert predicted == 5  # the export's predictions are candidates, as `labelstudio import` makes them

    monkeypatch.setattr(limits, "JSON_BYTES", 1000)  # and those files have a limit of their own
    page = finish(record, app, alice, upload(alice, [("export.json", export), ("quays.jsonl", lines)]).headers["location"])
    assert "larger than 1000 bytes (a JSON file&#39;s limit)" in page
    assert "larger than 1000 bytes (a JSON Lines file&#39;s limit in a job)" in page
