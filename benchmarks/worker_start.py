"""Worker start time: from WorkerClient.start_local() to an authenticated connection (seconds)."""
import time

from _util import WORKER_PYTHON, emit, summary
from backend.client import WorkerClient

times = []
for _ in range(5):
    t0 = time.perf_counter()
    c = WorkerClient.start_local(WORKER_PYTHON)
    times.append(time.perf_counter() - t0)
    c.stop()
emit({"figure": "worker_start_s", **summary(times)})
