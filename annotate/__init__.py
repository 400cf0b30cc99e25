"""Claimtrail's core library: the record, the ledger, ingestion and pre-annotation.

This package never imports `server`: the web app is one client of it among others.
"""

__version__ = "0.1.0"
