"""Receiving an upload without holding it in memory: its files stream to disk as they arrive.

An upload's multipart body is parsed chunk by chunk (Starlette's parser, python-multipart
underneath); each file's bytes go straight to a file of its own in a spool folder under
CLAIMTRAIL_HOME/uploads, and the job reads them from there. The limits are counted while
the body streams in, so an upload over them is refused (413, naming the file it was
receiving) as soon as it crosses them, not after the whole body has been read: a 10 GB
body costs the server no more than the limit in disk and a chunk in memory. A single file
over the readers' limit is not an error of the whole upload: it stops being written, and
the job lists it as refused with its reason, as before.

The same form is what the CSRF check reads (server/auth.py): the body can be read once,
and it must be read with these limits.
"""

import secrets
import shutil
from pathlib import Path

from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartParser
from starlette.requests import Request

from annotate.errors import TooLarge
from annotate.jobs.intake import Limits, Spooled

UPLOAD_PATH = "/upload"
FORM_SLACK = 1024 * 1024  # multipart framing and the form's other fields
STATE = "claimtrail_spool"  # where the request keeps its spool folder (request.state)
KEPT = "claimtrail_spool_kept"  # set once a job took the folder


def limits(request: Request) -> Limits:
    settings = request.app.state.settings
    return Limits(max_files=settings.upload_max_files, max_bytes=int(settings.upload_max_mb * 1024 * 1024))


async def read_form(request: Request) -> FormData:
    """The request's form; an upload's is spooled to disk within its limits, once per request."""
    if request.url.path != UPLOAD_PATH or request.method != "POST" or not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await request.form()
    cached = getattr(request.state, "claimtrail_form", None)
    if cached is not None:
        return cached
    bounds = limits(request)
    if int(request.headers.get("content-length") or 0) > bounds.max_bytes + FORM_SLACK:
        raise TooLarge(f"an upload holds at most {_mb(bounds.max_bytes)}; this one says it is {_mb(int(request.headers['content-length']))}")
    folder = request.app.state.settings.record.home.resolve() / "uploads" / secrets.token_hex(8)
    setattr(request.state, STATE, folder)
    parser = SpoolingParser(request.headers, request.stream(), folder, bounds)
    try:
        form = await parser.parse()
    except BaseException:
        discard(request)
        raise
    request.state.claimtrail_form = form
    return form


def spooled(form: FormData) -> list[tuple[str, Spooled]]:
    """(name as the browser gave it, where its bytes are) of each file of the form's `files`."""
    return [(f.filename or "", f.file.spooled) for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename and isinstance(f.file, _SpoolFile)]  # type: ignore[attr-defined]


def discard(request: Request) -> None:
    """Remove what the request spooled (refused, or not handed to a job)."""
    folder = getattr(request.state, STATE, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def keep(request: Request) -> None:
    """The request's spool folder now belongs to a job (it removes the files once read)."""
    setattr(request.state, KEPT, True)


class DiscardUnkept:
    """Whatever ends a request (a refusal, a sign-in check that fails after the CSRF check read
    the body, an error), what it spooled goes unless a job took it."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        try:
            await self.app(scope, receive, send)
        finally:
            state = scope.get("state") or {}
            if state.get(STATE) is not None and not state.get(KEPT):
                shutil.rmtree(state[STATE], ignore_errors=True)


class _SpoolFile:
    """A file part on disk; past the readers' limit it stops being written (the job says why)."""

    def __init__(self, path: Path, limit: int):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.limit, self.size = path, limit, 0
        self.raw = path.open("wb", buffering=0)  # chunks of tens of kB: each is a write of its own anyway

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size <= self.limit:
            self.raw.write(data)
        elif not self.raw.closed:  # too big for any reader: keep counting, stop storing
            self.raw.close()
            self.path.unlink(missing_ok=True)
        return len(data)

    def seek(self, *_args) -> int:
        self.raw.close()  # the parser rewinds a part once all its bytes are written: it is complete
        return 0

    def read(self, *_args) -> bytes:
        return b""  # nothing reads a spooled part back through the form: the job reads the file

    def close(self) -> None:
        self.raw.close()

    @property
    def spooled(self) -> Spooled:
        return Spooled(self.path if self.size <= self.limit else None, self.size)


class SpoolingParser(MultiPartParser):
    """Starlette's multipart parser, with each file written to its own file in `folder` and the
    upload's limits counted as the bytes arrive."""

    def __init__(self, headers, stream, folder: Path, bounds: Limits):
        super().__init__(headers, stream, max_files=bounds.max_files + 1)
        self.folder, self.bounds, self.received = folder, bounds, 0

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        upload = self._current_part.file
        if upload is not None:
            upload.file.close()  # the in-memory spool Starlette made: ours goes to disk
            name = Path((upload.filename or "").replace("\\", "/")).name or "file"
            upload.file = _SpoolFile(self.folder / str(self._current_files) / _safe(name), self.bounds.file_bytes)  # type: ignore[assignment]
            self._files_to_close_on_error.append(upload.file)  # type: ignore[arg-type]

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        upload = self._current_part.file
        if upload is not None:
            self.received += end - start
            if self.received > self.bounds.max_bytes:
                raise TooLarge(
                    f"{upload.filename}: an upload holds at most {_mb(self.bounds.max_bytes)}, and this one passed that while this file arrived; nothing was stored"
                )
        super().on_part_data(data, start, end)


def _safe(name: str) -> str:
    """A name for the spool file: the upload's own (its extension picks the reader), never a path."""
    cleaned = "".join(c if c.isalnum() or c in "._- " else "_" for c in name).strip(" .")
    return cleaned[-120:] or "file"


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"
