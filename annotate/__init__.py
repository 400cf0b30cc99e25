"""Claimtrail's core library: the record, the ledger, ingestion and pre-annotation.

This package never imports `server`: the web app is one client of it among others.
"""

import os

# numpy's OpenBLAS starts a thread per core, and its threads spin while they wait. Our
# matrices are small (spaCy's layers, a batch of sentences): one thread does as well or better
# (alternated runs on 2 cores: pre-annotation 18.4 against 17.7 documents/s, a background
# worker 10.7-11.3 against 9.7-10.1), and workers side by side do not start threads that wait
# on each other. Set before numpy loads; a value the environment gives wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
