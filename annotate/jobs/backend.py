"""What every queue does: create a job (with its rows) and hand its parts to whoever runs them."""

from sqlmodel import Session

from annotate.errors import Invalid
from annotate.jobs import state
from annotate.jobs.intake import Incoming
from annotate.store.db import state_session
from annotate.store.record import Record


class Queue:
    """Create jobs and hand their parts to whoever runs them."""

    local = True  # whoever runs the jobs reads this machine's disk (an upload's spool files)

    def __init__(self, record: Record):
        self.record = record

    def ingest(self, actor: str, origin: str, files: list[Incoming], preannotate: bool = True) -> int:
        with state_session(self.record.engine) as session:
            job, parts = state.create_ingest_job(session, actor, origin, files, preannotate, self.local)
            self._defer_parts(session, job.id, parts)  # type: ignore[arg-type]
            session.commit()
            job_id = job.id
        self._started(job_id, parts)  # type: ignore[arg-type]
        return job_id  # type: ignore[return-value]

    def start(self, kind: str, actor: str, origin: str) -> int:
        """A job without files: pre-annotate every document not done, or index new claims for linking."""
        if kind not in ("preannotate", "index_links"):
            raise Invalid(f"no job kind {kind!r}")
        with state_session(self.record.engine) as session:
            job = state.create_job(session, kind, actor, origin)
            self._defer_kind(session, job.id, kind)  # type: ignore[arg-type]
            session.commit()
            job_id = job.id
        self._started_kind(job_id, kind)  # type: ignore[arg-type]
        return job_id  # type: ignore[return-value]

    def export(self, actor: str, origin: str, params: dict) -> int:
        """An export job (exporting.export_params); its file is downloadable once done."""
        with state_session(self.record.engine) as session:
            job = state.create_job(session, "export", actor, origin, params)
            self._defer_kind(session, job.id, "export")  # type: ignore[arg-type]
            session.commit()
            job_id = job.id
        self._started_kind(job_id, "export")  # type: ignore[arg-type]
        return job_id  # type: ignore[return-value]

    def retry(self, job_id: int) -> int:
        with state_session(self.record.engine) as session:
            parts = state.retry_parts(session, job_id)
            self._defer_parts(session, job_id, parts)
            session.commit()
        self._started(job_id, parts)
        return sum(len(p) for p in parts)

    def cancel(self, job_id: int) -> None:
        with state_session(self.record.engine) as session:
            state.cancel(session, job_id)
            session.commit()

    # what each backend does
    def _defer_parts(self, session: Session, job_id: int, parts: list[list[int]]) -> None:
        pass

    def _defer_kind(self, session: Session, job_id: int, kind: str) -> None:
        pass

    def _started(self, job_id: int, parts: list[list[int]]) -> None:
        pass

    def _started_kind(self, job_id: int, kind: str) -> None:
        pass

    def close(self) -> None:
        pass
