"""A job and its files: what the upload page and `claimtrail jobs` show (progress, per-file
report). Operational state, kept out of the ledger; the documents a job adds are decisions."""

from sqlalchemy import Column, LargeBinary, Text
from sqlmodel import Field, SQLModel

QUEUED, RUNNING, DONE, REFUSED, FAILED, CANCELLED = "queued", "running", "done", "refused", "failed", "cancelled"
TO_DO = (QUEUED, RUNNING, FAILED)  # a file in one of these states is (re)done by the next run of its part


class Job(SQLModel, table=True):
    __tablename__ = "job"

    id: int | None = Field(default=None, primary_key=True)
    kind: str  # ingest | preannotate | index_links | export
    actor: str  # who asked for it: the uploader, or "cli"
    origin: str  # ui | cli
    created_at: str = Field(index=True)
    preannotate: bool = True  # ingest: propose candidates for the new documents too
    cancelled: bool = False
    total: int = 0  # files (ingest) or steps (other kinds)
    done: int = 0  # steps done (other kinds; ingest counts its files)
    error: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    finished_at: str | None = None
    params: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))  # JSON: what it was asked for (exports)
    result: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # where its output is, once done (exports)


class JobFile(SQLModel, table=True):
    """One file of an ingest job: its bytes (or where they are on disk) until it is read, then what became of it."""

    __tablename__ = "job_file"

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(index=True)
    position: int  # order in the upload
    part: int  # files of one part are read and ingested together by one task
    name: str  # the flattened, checked name (never a path)
    size: int = 0
    data: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    path: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # or where it waits on disk (an upload's spool file)
    # A piece of a big file (jobs/pieces.py): the number of its first line (JSONL) or task (JSON) in the file.
    first_line: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    status: str = QUEUED
    documents: int = 0  # documents read from the file
    added: int = 0  # of which new to the record
    errors: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))  # JSON list of reasons
    document_ids: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))  # JSON: the documents it holds
