"""The review desk: the operations reviewers perform, the queue they work from, and the audit log."""
