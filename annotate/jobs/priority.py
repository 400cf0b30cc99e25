"""Background work at a lower CPU priority than the requests people wait for.

A worker or the web server's job thread may share cores with the web UI; on Linux a thread's
nice value decides who runs first when they compete, so a reviewer's page is not queued behind
pre-annotation. Threads started later (BLAS, argon2 lanes, a worker's task threads) inherit it.
"""

import os
import threading

BACKGROUND = 10  # background jobs: behind interactive requests, ahead of nothing else
LOWEST = 19  # password hashing under a sign-in flood: everything else first


def lower_this_thread(niceness: int = BACKGROUND) -> None:
    """Set the calling thread's nice value (Linux); elsewhere nothing changes."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except (AttributeError, OSError):  # another system, or not allowed: the work runs as it is
        pass
