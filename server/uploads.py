"""Receiving an upload without holding it in memory: its files stream to disk as they arrive.

An upload's multipart body is parsed chunk by chunk (python-multipart's parser, through its
public callbacks); each file's bytes go straight to a file of its own in a spool folder under
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

from python_multipart.exceptions import ParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, Headers, UploadFile
from starlette.requests import Request

from annotate.errors import Invalid, TooLarge
from annotate.jobs.intake import Limits, Spooled

UPLOAD_PATHS = ("/upload", "/api/uploads")  # the page's form and the API's: spooled as they stream in
FORM_SLACK = 1024 * 1024  # multipart framing and the form's other fields
FIELD_BYTES = 64 * 1024  # a form field that is not a file (the CSRF token, a tick box)
FIELDS = 100
STATE = "claimtrail_spool"  # where the request keeps its spool folder (request.state)
KEPT = "claimtrail_spool_kept"  # set once a job took the folder


def limits(request: Request) -> Limits:
    settings = request.app.state.settings
    return Limits(max_files=settings.upload_max_files, max_bytes=int(settings.upload_max_mb * 1024 * 1024))


async def read_form(request: Request) -> FormData:
    """The request's form; an upload's is spooled to disk within its limits, once per request."""
    if request.url.path not in UPLOAD_PATHS or request.method != "POST" or not request.headers.get("content-type", "").startswith("multipart/form-data"):
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

    def read(self, *_args) -> bytes:
        return b""  # nothing reads a spooled part back through the form: the job reads the file

    def close(self) -> None:
        self.raw.close()

    @property
    def spooled(self) -> Spooled:
        return Spooled(self.path if self.size <= self.limit else None, self.size)


class SpoolingParser:
    """The upload's multipart body, parsed as it streams in by python-multipart: each file part
    written to a file of its own in `folder`, the other fields kept as text, and the upload's
    limits counted as the bytes arrive."""

    def __init__(self, headers: Headers, stream, folder: Path, bounds: Limits):
        _, options = parse_options_header(headers.get("content-type", ""))
        self.boundary = options.get(b"boundary")
        self.stream, self.folder, self.bounds = stream, folder, bounds
        self.received, self.items = 0, []
        self.files: list[_SpoolFile] = []
        self._header_field, self._header_value, self._headers = b"", b"", {}
        self._part: tuple[str, UploadFile | None, bytearray] | None = None
        self._writes: list[tuple[_SpoolFile, bytes]] = []  # file bytes of the chunk just parsed

    async def parse(self) -> FormData:
        if not self.boundary:
            raise Invalid("the upload's form has no multipart boundary in its content-type")
        parser = MultipartParser(self.boundary, self._callbacks())
        try:
            async for chunk in self.stream:
                parser.write(chunk)
                for spool, data in self._writes:  # disk writes off the event loop, as they arrive
                    await run_in_threadpool(spool.write, data)
                self._writes.clear()
            parser.finalize()
        except ParseError as problem:
            self._close()
            raise Invalid(f"the upload's form could not be read: {problem}") from None
        except BaseException:
            self._close()
            raise
        self._close()
        return FormData(self.items)

    def _close(self) -> None:
        for spool in self.files:
            spool.close()

    def _callbacks(self) -> dict:
        return {
            "on_part_begin": self._begin,
            "on_header_field": lambda data, start, end: self._add_header(field=data[start:end]),
            "on_header_value": lambda data, start, end: self._add_header(value=data[start:end]),
            "on_header_end": self._end_header,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
            "on_part_end": self._end_part,
        }

    def _begin(self) -> None:
        self._headers, self._part = {}, None

    def _add_header(self, field: bytes = b"", value: bytes = b"") -> None:
        self._header_field += field
        self._header_value += value

    def _end_header(self) -> None:
        self._headers[self._header_field.lower()] = self._header_value
        self._header_field, self._header_value = b"", b""

    def _headers_finished(self) -> None:
        disposition, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        if disposition != b"form-data" or b"name" not in options:
            raise Invalid("a part of the upload's form has no content-disposition name")
        name = options[b"name"].decode("utf-8", "replace")
        if b"filename" not in options:
            if len(self.items) >= FIELDS:
                raise Invalid(f"the upload's form has more than {FIELDS} fields")
            self._part = (name, None, bytearray())
            return
        if len(self.files) >= self.bounds.max_files + 1:  # one more than allowed: intake names the limit
            raise TooLarge(f"an upload holds at most {self.bounds.max_files} files")
        filename = options[b"filename"].decode("utf-8", "replace")
        spool_name = _safe(Path(filename.replace("\\", "/")).name or "file")
        spool = _SpoolFile(self.folder / str(len(self.files)) / spool_name, self.bounds.file_bytes(spool_name))
        self.files.append(spool)
        headers = Headers(raw=list(self._headers.items()))
        self._part = (name, UploadFile(spool, filename=filename, headers=headers), bytearray())  # type: ignore[arg-type]

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._part is None:
            return
        name, upload, text = self._part
        if upload is None:
            text += data[start:end]
            if len(text) > FIELD_BYTES:
                raise TooLarge(f"the upload's form field {name!r} is over {FIELD_BYTES // 1024} kB")
            return
        self.received += end - start
        if self.received > self.bounds.max_bytes:
            raise TooLarge(
                f"{upload.filename}: an upload holds at most {_mb(self.bounds.max_bytes)}, and this one passed that while this file arrived; nothing was stored"
            )
        self._writes.append((upload.file, bytes(data[start:end])))  # type: ignore[arg-type]

    def _end_part(self) -> None:
        if self._part is not None:
            name, upload, text = self._part
            self.items.append((name, upload if upload is not None else text.decode("utf-8", "replace")))
        self._part = None


def _safe(name: str) -> str:
    """A name for the spool file: the upload's own (its extension picks the reader), never a path."""
    cleaned = "".join(c if c.isalnum() or c in "._- " else "_" for c in name).strip(" .")
    return cleaned[-120:] or "file"


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"
