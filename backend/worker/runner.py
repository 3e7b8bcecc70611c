"""Runs one job at a time: the job context (progress, cancel, timings) and the job-type handlers."""
from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import Callable

from ..jobs import JobSpec, event, job_type, resolve
from ..mesh.unwrap import Cancelled as UnwrapCancelled
from .scratch import Staging, rewrite_paths

log = logging.getLogger("conjure.worker")


def one_line(text: str, limit: int = 1000) -> str:
    """``text`` on one line, at most ``limit`` characters (what a client sees of an error)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


class JobCancelled(Exception):
    """Raised inside a job when its cancel was requested."""


class JobContext:
    """What a running job sees: progress reporting, cancellation checks and stage timings."""

    def __init__(self, job_id: str, spec: JobSpec, emit: Callable[[dict], None]):
        self.job_id = job_id
        self.spec = spec
        self.emit = emit
        self.cancel_event = threading.Event()
        self.timings: dict[str, float] = {}
        self._span: tuple[float, float] | None = None
        self.staging: Staging | None = None

    @property
    def out_dir(self) -> str:
        """Where the job writes its outputs: a private staging folder inside ``spec.output_dir`` (made on first
        use), moved into place when the job succeeds and removed otherwise (see ``scratch``)."""
        if self.staging is None:
            self.staging = Staging(self.spec.output_dir, self.job_id)
        return self.staging.path

    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def check(self) -> None:
        """Raise JobCancelled if a cancel was requested. Jobs call this often (well under a second apart)."""
        if self.cancel_event.is_set():
            raise JobCancelled()

    def progress(self, step: int, total: int, message: str, preview: str | None = None, **extra) -> None:
        """Report ``step`` of ``total``. Inside ``span(lo, hi)`` that maps onto [lo, hi] of the whole job
        (sent as thousandths), so a job made of phases shows one bar that never runs backwards."""
        if self._span is not None:
            lo, hi = self._span
            step, total = round(1000 * (lo + (hi - lo) * min(max(step / max(total, 1), 0.0), 1.0))), 1000
        self.emit(event("progress", self.job_id, step=step, total=total, message=message, preview=preview, **extra))

    @contextlib.contextmanager
    def span(self, lo: float, hi: float):
        """Progress reported inside this block covers the fraction [lo, hi] of the job."""
        outer, self._span = self._span, (lo, hi)
        try:
            yield
        finally:
            self._span = outer

    def log(self, message: str, level: str = "info") -> None:
        self.emit(event("log", self.job_id, level=level, message=message))

    @contextlib.contextmanager
    def stage(self, name: str, step: int | None = None, total: int | None = None):
        """Time the stage (times add up when a stage repeats) and honour cancels before and after it.
        With ``step``/``total`` it is also reported as progress (as step-1 on entry, step on exit)."""
        self.check()
        if step is not None:
            self.progress(step - 1, total, name)
        t0 = time.perf_counter()
        try:
            yield
        except UnwrapCancelled:
            raise JobCancelled() from None
        self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - t0, 4)
        self.check()
        if step is not None:
            self.progress(step, total, name)


# --------------------------------------------------------------------------- job handlers
def run_noop(ctx: JobContext) -> dict:
    ctx.check()
    return {"paths": {}, "metadata": {"echo": ctx.spec.params.echo}}


def run_job(ctx: JobContext) -> None:
    """Run a job to its end and emit exactly one of result / cancelled / error. Its files appear in the output
    folder all together when it succeeds, and not at all otherwise."""
    try:
        try:
            out = resolve(job_type(ctx.spec.type).handler)(ctx)
            ctx.check()
            if ctx.staging is not None:
                out = rewrite_paths(out, ctx.staging.commit())
        finally:
            if ctx.staging is not None:
                ctx.staging.discard()
    except JobCancelled:
        ctx.emit(event("cancelled", ctx.job_id))
        return
    except MemoryError:
        ctx.emit(event("error", ctx.job_id, kind="out_of_memory", message="the worker ran out of memory"))
        return
    except Exception as e:  # a job failing must never take the worker down
        if type(e).__name__ == "OutOfMemoryError":  # torch.cuda.OutOfMemoryError, without importing torch here
            ctx.emit(event("error", ctx.job_id, kind="out_of_memory",
                           message="the GPU ran out of memory: try fp16, CPU offload, fewer candidates or a lower "
                                   f"resolution ({one_line(str(e), 200)})"))
            return
        log.exception("job %s (%s) failed", ctx.job_id, ctx.spec.type)  # the traceback stays in the log
        ctx.emit(event("error", ctx.job_id, kind="failed", message=one_line(f"{type(e).__name__}: {e}")))
        return
    ctx.emit(event("result", ctx.job_id, **out))  # the client has the spec: it does not travel back
