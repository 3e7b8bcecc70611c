"""Round-trip latency of a no-op job: submit -> accepted -> result (seconds)."""
import tempfile
import time

from _util import WORKER_PYTHON, emit, summary
from backend.client import WorkerClient

c = WorkerClient.start_local(WORKER_PYTHON)
out = tempfile.mkdtemp()
times = []
for i in range(200):
    t0 = time.perf_counter()
    job = c.submit({"type": "noop", "output_dir": out})
    ev = c.wait_for(job, 10)
    assert ev["event"] == "result", ev
    if i >= 10:  # warm-up
        times.append(time.perf_counter() - t0)
c.stop()
emit({"figure": "noop_round_trip_s", **summary(times)})
