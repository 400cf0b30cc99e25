"""Background ingestion on PostgreSQL: documents/s ingested and pre-annotated by 1 and by 2
`claimtrail worker` processes, and the ratio (issue 12's target: ≥ 1.8 on 2 cores); and the
web UI's document view (p50/p95) measured while they run (target: p95 ≤ 100 ms).

Each run gets a fresh schema; the workers are started and registered before the clock
starts, which stops when the job's last file is done. Meanwhile a reviewer opens a document
READS times a second (default 2; the benchmark's own process serves it, and its CPU share is
printed: at 20 reads a second it took a third of a core from the two workers). Needs PostgreSQL:
  CLAIMTRAIL_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test python -m benchmarks.bench_jobs [N [READS [ROUNDS]]]
ROUNDS (default 1) alternates one worker and two that many times and gives the median ratio.
With --jsonl the N reports come as one JSONL file, which the job cuts into pieces of whole lines
(annotate/jobs/pieces.py): two workers share one big file. With --json they come as one Label
Studio export with 10 predicted spans a task (bench_labelstudio's tasks), cut between its tasks
into pieces of 1 MB, each imported with its predictions and pre-annotated. --two-only skips the one-worker run
(at 100,000 reports it takes two hours on this VM; the two-worker run is compared with one
worker's rate on a smaller record, which can only flatter one worker). --keep keeps each run's
record (its schema and CLAIMTRAIL_HOME) and prints the `grow` command that takes it.

Workers killed (issue 12's target: `kill -9` of a worker at 20 random moments, 0 documents lost
or doubled, `audit verify` green): two workers run one job of N reports while one of them, chosen
at random, is killed with SIGKILL at random moments and started again; then the record is checked.
  ... python -m benchmarks.bench_jobs kills [KILLS [N]] [--json]   (default 20 kills, 600 reports;
      --json: as one Label Studio export with predictions, cut into pieces)

On a big record kept from such a run (its schema and CLAIMTRAIL_HOME), one worker then two,
each with N new reports: the ratio at that size.
  ... python -m benchmarks.bench_jobs grow SCHEMA HOME [N [ROUNDS]]   (default 2,000 reports, 1 round)
"""

import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, select, text

from annotate.config import Settings
from annotate.jobs.intake import Limits, intake
from annotate.jobs.queue import queue_for
from annotate.jobs.state import job_status
from annotate.store.record import Record
from benchmarks.common import percentiles

ROOT = Path(__file__).resolve().parents[1]
# The job's progress is read once a second, as its page does (hx-trigger "every 1s"). Until
# session 10 it was read with each document view, twice a second: at 100,000 files that count
# was a tenth of PostgreSQL's busy time, which the two-worker run paid for and the one-worker
# run (a core to spare) did not.
POLL = 1.0
PLACES = ["the northern district", "the river port", "the hill villages", "the capital", "the border crossing", "the coastal road"]
SPEAKERS = ["The interior ministry", "A local council member", "The regional governor", "Aid workers", "The army's spokesperson", "Residents"]
VERBS = ["said", "reported", "claimed", "announced", "warned"]
EVENTS = [
    "{n} families had left {place}",
    "the bridge near {place} would reopen within {n} days",
    "power had been restored to {n} homes in {place}",
    "{n} trucks of food reached {place} on Tuesday",
    "talks about {place} might resume next month",
]


def report(i: int, rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(8, 14)):
        event = rng.choice(EVENTS).format(n=rng.randint(2, 900), place=rng.choice(PLACES))
        sentences.append(f"{rng.choice(SPEAKERS)} {rng.choice(VERBS)} that {event}.")
    body = " ".join(sentences)
    return f"---\ntitle: Situation update {i}\nsource: Outlet {i % 9}\npublished: 2024-{1 + i % 12:02d}-{1 + i % 28:02d}\n---\n{body}\n"


def schema_url(base: str, schema: str) -> str:
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


class Reader:
    """A signed-in reviewer opening one document's page again and again, timing each answer."""

    def __init__(self, record: Record):
        import re

        from fastapi.testclient import TestClient

        from annotate import accounts
        from annotate.ingest.pipeline import ingest_items
        from annotate.ingest.source import SourceDocument
        from annotate.store.models import Document, User
        from server.app import create_app
        from server.settings import ServerSettings

        doc = SourceDocument(text=report(0, random.Random(1)), file_name="seen.md", path="bench/seen.md", format="md")
        ingest_items(record.ledger, [doc])  # stored, or stored before (a record grown again)
        with record.session() as session:
            self.doc_id = session.execute(select(Document.id).where(Document.file_name == "seen.md")).scalars().first()
            known = session.execute(select(User.id).where(User.name == "reader")).first()
        if not known:
            accounts.add_user(record, "reader", "reviewer", "reader password 1", weak_ok=True)
        self.client = TestClient(create_app(ServerSettings(record=record.settings, secret="bench-jobs-" + "k9Qx" * 10)))
        page = self.client.get("/login").text
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
        self.client.post("/login", data={"name": "reader", "password": "reader password 1", "csrf_token": token})
        self.samples: list[float] = []

    def read(self) -> None:
        start = time.perf_counter()
        assert self.client.get(f"/documents/{self.doc_id}").status_code == 200
        self.samples.append((time.perf_counter() - start) * 1000)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux), to tell a worker that computes from one that waits."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(base: str, files, workers: int, reads: float = 2.0, documents: int | None = None, keep: bool = False) -> tuple[float, str]:
    """`files` ingested and pre-annotated by `workers` on a fresh record (a schema of its own, dropped
    after; with `keep`, kept with its home and named, for `grow`)."""
    schema = f"claimtrail_bench_jobs_{os.getpid()}_{workers}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = schema_url(base, schema)
    home = Path(tempfile.mkdtemp(prefix="claimtrail-bench-jobs-"))
    record = Record.init(Settings(home=home, database_url=url))
    try:
        return timed(record, url, home, files, workers, reads, documents)
    finally:
        record.engine.dispose()
        if keep:
            print(f"kept: python -m benchmarks.bench_jobs grow {schema} {home}  (drop the schema when done)", flush=True)
        else:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def timed(record: Record, url: str, home: Path, files, workers: int, reads: float, documents: int | None) -> tuple[float, str]:
    """Seconds for `workers` new worker processes to do one job of `files`, and the document view meanwhile."""
    reader = Reader(record)
    env = {**os.environ, "CLAIMTRAIL_HOME": str(home)}
    procs = [
        subprocess.Popen([sys.executable, "-m", "annotate", "worker", "--db", url], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(workers)
    ]
    try:
        while True:
            with record.engine.connect() as conn:
                if conn.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar() >= workers:
                    break
            time.sleep(0.2)
        start, warm, own = time.perf_counter(), {p.pid: cpu_seconds(p.pid) for p in procs}, time.process_time()
        job_id = queue_for(record).ingest("bench", "cli", files)
        polled = 0.0
        while True:
            if time.perf_counter() - polled >= POLL:
                polled = time.perf_counter()
                with record.session() as session:
                    view = job_status(session, job_id)
                if view["status"] in ("done", "failed"):
                    break
            began = time.perf_counter()
            reader.read()
            time.sleep(max(0.0, 1 / reads - (time.perf_counter() - began)))
        seconds = time.perf_counter() - start
        assert view["status"] == "done" and view["added"] == (documents or len(files)), view
        busy = ", ".join(f"{(cpu_seconds(p.pid) - warm[p.pid]) / seconds:.0%}" for p in procs)
        load = open("/proc/loadavg").read().split()[0]
        mine = (time.process_time() - own) / seconds
        return seconds, f"{percentiles(reader.samples)}; CPU over the run: each worker {busy}, the reader and job polling {mine:.0%} (load {load})"
    finally:
        reader.client.close()
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=120)


def grow(schema: str, home: str, n: int = 2000, rounds: int = 1, reads: float = 2.0) -> None:
    """One worker, then two, on a record made before (a schema and CLAIMTRAIL_HOME kept from a big
    run), each with n reports it has not seen: the ratio at that record's size, without building
    it once per worker count (100,000 reports take two workers over an hour here)."""
    url = schema_url(postgres_url(), schema)
    record = Record.open(Settings(home=Path(home), database_url=url))
    with record.engine.connect() as conn:
        size = conn.execute(text("SELECT count(*) FROM document")).scalar()
    print(f"a record of {size} documents ({schema})")
    rng, batch = random.Random(size), 0
    for _ in range(rounds):
        rates = {}
        for workers in (1, 2):
            batch += 1
            first = 10**7 * batch + size  # numbers no earlier report had: new texts
            files = intake([(f"more-{first + i}.md", report(first + i, rng).encode()) for i in range(n)], Limits(max_files=10**9, max_bytes=10**12))
            seconds, views = timed(record, url, Path(home), files, workers, reads, None)
            rates[workers] = n / seconds
            print(f"{n} more reports by {workers} worker(s): {seconds:.1f} s, {rates[workers]:.1f} documents/s; document view meanwhile {views}", flush=True)
        print(f"2 workers / 1 worker at about {size} documents: {rates[2] / rates[1]:.2f}x", flush=True)
    record.engine.dispose()


def kills(rounds: int = 20, n: int = 600, one: str = "") -> None:
    base = postgres_url()
    schema = f"claimtrail_bench_kills_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = schema_url(base, schema)
    home = Path(tempfile.mkdtemp(prefix="claimtrail-bench-kills-"))
    record = Record.init(Settings(home=home, database_url=url))
    rng = random.Random(20)
    files = reports(n, rng, one)
    env = {**os.environ, "CLAIMTRAIL_HOME": str(home)}

    def start() -> subprocess.Popen:
        command = [sys.executable, "-m", "annotate", "worker", "--stalled-after", "4", "--db", url]
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def status() -> dict:
        with record.session() as session:
            return job_status(session, job_id)

    job_id = queue_for(record).ingest("bench", "cli", files)
    workers, killed, start_time = [start(), start()], 0, time.perf_counter()
    try:
        while killed < rounds and status()["status"] not in ("done", "failed"):
            time.sleep(rng.uniform(0.5, 4.0))
            victim = rng.randrange(2)
            workers[victim].kill()  # SIGKILL: no clean-up of any kind
            workers[victim].wait()
            workers[victim] = start()
            killed += 1
        while (view := status())["status"] not in ("done", "failed"):
            time.sleep(0.5)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=120)
    seconds = time.perf_counter() - start_time
    with record.engine.connect() as conn:
        found = {name: conn.execute(text(sql)).scalar() for name, sql in INTEGRITY.items()}
    audit = subprocess.run([sys.executable, "-m", "annotate", "audit", "verify", "--db", url], cwd=ROOT, env=env, capture_output=True, text=True)
    record.engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()
    print(f"{n} reports, {killed} workers killed with SIGKILL at random moments, job {view['status']} in {seconds:.0f} s")
    print("  " + ", ".join(f"{name} {value}" for name, value in found.items()) + f"; audit verify: {'green' if audit.returncode == 0 else 'FAILED'}")
    print(f"  expected: documents {n}, every other count 0")


# What a killed worker must never leave behind (read after the job is done).
INTEGRITY = {
    "documents": "SELECT count(DISTINCT sha256) FROM document",
    "documents doubled": "SELECT count(*) - count(DISTINCT sha256) FROM document",
    "claims doubled": 'SELECT count(*) FROM (SELECT 1 FROM claim GROUP BY document_id, start, "end" HAVING count(*) > 1) AS twice',
    "mentions doubled": 'SELECT count(*) FROM (SELECT 1 FROM mention GROUP BY document_id, start, "end" HAVING count(*) > 1) AS twice',
    # ner@1: the model that made the predictions of an export's tasks (bench_labelstudio.synthetic_task), not ours
    "documents without our candidates": "SELECT count(*) FROM document d WHERE NOT EXISTS (SELECT 1 FROM claim c WHERE c.document_id = d.id AND c.annotator <> 'ner@1')",
    "claims without vectors": "SELECT count(*) FROM claim c WHERE NOT EXISTS (SELECT 1 FROM claim_vector v WHERE v.claim_id = c.id)",
}


def reports(n: int, rng: random.Random, one: str = ""):
    """n reports as a file each, or as one "jsonl" file or one "json" Label Studio export (with
    predictions), both cut into pieces (jobs/pieces.py), ready for a job."""
    everything = Limits(max_files=10**9, max_bytes=10**12)
    if one == "jsonl":
        lines = b"".join(json.dumps({"title": f"Situation update {i}", "text": report(i, rng).split("---\n")[-1]}).encode() + b"\n" for i in range(n))
        files = intake([("updates.jsonl", lines)], everything)
        print(f"one JSONL file of {len(lines) / 1e6:.1f} MB, {n} reports, cut into {len(files)} pieces")
    elif one == "json":
        from benchmarks.bench_labelstudio import synthetic_task

        export = json.dumps([synthetic_task(i, rng) for i in range(n)]).encode()
        files = intake([("export.json", export)], everything)
        print(f"one Label Studio export of {len(export) / 1e6:.1f} MB, {n} tasks with 10 predicted spans each, cut into {len(files)} pieces")
    else:
        files = intake([(f"update-{i:06d}.md", report(i, rng).encode()) for i in range(n)], everything)
    return files


def postgres_url() -> str:
    base = os.environ.get("CLAIMTRAIL_TEST_POSTGRES_URL") or os.environ.get("CLAIMTRAIL_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        print("bench_jobs: needs PostgreSQL (CLAIMTRAIL_TEST_POSTGRES_URL); skipped")
        sys.exit(0)
    return base


def main(n: int = 1000, reads: float = 2.0, rounds: int = 1, one: str = "", counts: tuple[int, ...] = (1, 2), keep: bool = False) -> None:
    """One worker, then two, `rounds` times: this VM's speed drifts by the minute, so each ratio
    compares runs made back to back, and the median of them is the figure. `one`: the reports
    as one "jsonl" file or one "json" Label Studio export (cut into pieces: jobs/pieces.py)
    rather than a file each."""
    base = postgres_url()
    files = reports(n, random.Random(12), one)
    ratios = []
    for _ in range(rounds):
        rates = {}
        for workers in counts:
            seconds, views = run(base, files, workers, reads, n, keep)
            rates[workers] = n / seconds
            print(
                f"{n} reports ingested and pre-annotated by {workers} worker(s): {seconds:.1f} s, {rates[workers]:.1f} documents/s; "
                f"document view ({reads:g} a second) meanwhile {views}",
                flush=True,
            )
        if len(rates) < 2:
            continue
        ratios.append(rates[2] / rates[1])
        print(f"2 workers / 1 worker: {ratios[-1]:.2f}x", flush=True)
    if rounds > 1:
        print(f"ratios {' / '.join(f'{r:.2f}' for r in ratios)}; median {statistics.median(ratios):.2f}x")


if __name__ == "__main__":
    if sys.argv[1:2] == ["kills"]:
        kills(*(int(a) for a in sys.argv[2:4] if not a.startswith("--")), one="json" if "--json" in sys.argv else "")
    elif sys.argv[1:2] == ["grow"]:
        grow(sys.argv[2], sys.argv[3], *(int(a) for a in sys.argv[4:6]))
    else:
        given = [a for a in sys.argv[1:] if not a.startswith("--")]
        counts = (2,) if "--two-only" in sys.argv else (1, 2)
        one = "jsonl" if "--jsonl" in sys.argv else "json" if "--json" in sys.argv else ""
        main(*(cast(a) for cast, a in zip((int, float, int), given[:3])), one=one, counts=counts, keep="--keep" in sys.argv)  # type: ignore[misc]
