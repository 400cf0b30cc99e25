"""Issue 12: an upload is not held in memory. Its files stream to spool files on disk as they
arrive, the job reads them there, and an upload over the limit is refused (413, naming the
file) as soon as it crosses the limit, before the rest of the body is read."""

import json
from concurrent.futures import ThreadPoolExecutor

import anyio
from sqlalchemy import func, select

from annotate.jobs.models import JobFile
from server.app import create_app
from tests.server.reviewdesk import browsers
from tests.server.test_upload import REPORT, finish, upload

BOUNDARY = "claimtrailboundary"
CHUNK = 64 * 1024


def body_chunks(csrf: str, name: str, size: int):
    """A multipart body with one file of `size` bytes, in chunks, as a browser would stream it."""
    yield (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf}\r\n').encode()
    yield (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\nContent-Type: text/plain\r\n\r\n').encode()
    for _ in range(size // CHUNK):
        yield b"word " * (CHUNK // 5) + b"w" * (CHUNK % 5)
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def post_streamed(app, reviewer, chunks) -> tuple[int, bytes, int]:
    """POST /upload straight into the ASGI app, with no Content-Length (chunked, as a client may
    send it): (status, body, bytes the app asked for before it answered)."""
    cookies = "; ".join(f"{k}={v}" for k, v in reviewer.client.cookies.items())
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/upload",
        "raw_path": b"/upload",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
            (b"cookie", cookies.encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    read, answer = [0], {"status": 0, "body": b""}

    async def receive():
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        read[0] += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    # a thread of its own: an earlier test (Playwright's sync API) may leave an event loop running in this one
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(anyio.run, app, scope, receive, send).result()
    return answer["status"], answer["body"], read[0]


def test_an_upload_over_the_limit_is_refused_while_it_streams_in_naming_the_file(record, settings_for, users):
    small = create_app(settings_for(upload_max_mb=1))
    with browsers(small) as make:
        bob = make("bob")
        status, body, read = post_streamed(small, bob, body_chunks(bob.csrf, "huge.txt", 50 * 1024 * 1024))
    assert status == 413
    assert "huge.txt" in body.decode() and "at most 1 MB" in body.decode()
    assert read < 2 * 1024 * 1024  # the app stopped reading just past the limit: 48 of the 50 MB were never asked for
    with record.session() as session:
        assert session.execute(select(func.count()).select_from(JobFile)).scalar() == 0
    assert not any((record.settings.home / "uploads").glob("*/*"))  # nothing left on disk either


def test_an_uploaded_file_waits_on_disk_not_in_the_database_and_is_removed_once_read(record, app, alice):
    response = upload(alice, [("harbour.txt", REPORT.encode())])
    job_url = response.headers["location"]
    with record.session() as session:
        row = session.execute(select(JobFile.data, JobFile.path)).one()
    if record.engine.dialect.name == "sqlite":  # the job runs here: it reads the spool file
        assert row.data is None and row.path.endswith("harbour.txt")
    else:  # workers may be elsewhere: the bytes are in the job's row, the spool folder is gone
        assert row.data == REPORT.encode() and row.path is None
    page = finish(record, app, alice, job_url)
    assert 'data-status="done"' in page and "(1 new)" in page
    assert not any((record.settings.home / "uploads").rglob("*"))  # read, then removed with its folders


def test_refused_files_and_unpacked_archives_leave_nothing_on_disk(record, app, alice):
    from tests.server.test_upload import SECOND, zipped

    files = [("scan.pdf", b"%PDF-1.4"), ("bundle.zip", zipped({"floods.md": SECOND.encode(), "notes.odt": b"x"}))]
    page = finish(record, app, alice, upload(alice, files).headers["location"])
    assert 'data-status="done"' in page and "floods.md" in page and "unsupported file type" in page
    assert not any((record.settings.home / "uploads").rglob("*"))


def test_an_upload_refused_after_it_was_read_leaves_nothing_on_disk(record, app, alice, signed_in):
    from tests.server.test_upload import upload

    first = upload(alice, [("notes.txt", b"   ")])  # an empty file: refused by the job, not the page
    assert first.status_code == 303
    anonymous = signed_in("bob")
    anonymous.client.cookies.clear()  # signed out: the CSRF check reads (spools) the body, then sign-in is refused
    response = anonymous.client.post("/upload", files=[("files", ("x.txt", b"report " * 1000, "text/plain"))], data={"csrf_token": "nope"})
    assert response.status_code in (303, 401, 403)
    finish(record, app, alice, first.headers["location"])
    assert not any((record.settings.home / "uploads").rglob("*"))


def test_a_body_that_is_not_multipart_is_refused_with_the_reason_and_leaves_nothing(record, settings_for, users):
    app = create_app(settings_for())
    with browsers(app) as make:
        bob = make("bob")
        chunks = iter([b"this is not a multipart body at all\r\n"])
        status, body, _ = post_streamed(app, bob, chunks)
    assert 400 <= status < 500 and "could not be read" in body.decode()
    assert not any((record.settings.home / "uploads").rglob("*"))


def test_a_big_jsonl_upload_is_cut_into_pieces_on_disk_that_go_once_read(record, app, alice, monkeypatch):
    from annotate.jobs import pieces
    from annotate.store.models import Document
    from tests.jobs.test_pieces import jsonl

    monkeypatch.setattr(pieces, "PIECE_BYTES", 1500)
    response = upload(alice, [("updates.jsonl", jsonl(20))])
    with record.session() as session:
        rows = session.execute(select(JobFile.name, JobFile.first_line).order_by(JobFile.position)).all()
    assert len(rows) >= 3 and {name for name, _ in rows} == {"updates.jsonl"} and rows[0].first_line == 1
    page = finish(record, app, alice, response.headers["location"])
    assert 'data-status="done"' in page and f"from line {rows[1].first_line}" in page
    assert f"{len(rows)} of {len(rows)} pieces of 1 file ·" in page  # one file uploaded, not len(rows) files
    with record.session() as session:
        assert session.execute(select(func.count()).select_from(Document)).scalar() == 20
    assert not any((record.settings.home / "uploads").rglob("*"))  # every piece read, then removed with its folders


def test_a_big_label_studio_export_upload_is_cut_between_its_tasks_and_each_piece_imported(record, app, alice, monkeypatch):
    from annotate.jobs import pieces
    from annotate.store.models import Claim, Document
    from tests.jobs.test_pieces import export

    monkeypatch.setattr(pieces, "JSON_PIECE_BYTES", 2000)
    response = upload(alice, [("export.json", json.dumps(export(9)).encode())])
    with record.session() as session:
        rows = session.execute(select(JobFile.name, JobFile.first_line).order_by(JobFile.position)).all()
    assert len(rows) >= 3 and {name for name, _ in rows} == {"export.json"} and rows[0].first_line == 1
    page = finish(record, app, alice, response.headers["location"])
    assert 'data-status="done"' in page and f"from task {rows[1].first_line}" in page
    with record.session() as session:
        assert session.execute(select(func.count()).select_from(Document)).scalar() == 9
        assert session.execute(select(func.count()).select_from(Claim).where(Claim.annotator == "ner@1")).scalar() == 9  # every task's prediction
    assert not any((record.settings.home / "uploads").rglob("*"))
