"""Background jobs: ingesting uploads and batches, pre-annotating, indexing links.

The job functions (tasks.py) are the same everywhere; queue.py chooses who runs them:
procrastinate workers on PostgreSQL (`claimtrail worker`, on any machine that reaches the
database), or a thread of the web process on SQLite. Job progress lives in tables of its
own (models.py): operational state, not the record. Every document and candidate a job
writes still goes through the ledger.
"""
