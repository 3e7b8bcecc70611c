"""Run a dataset: split it into shards, skip the complete ones, run the rest on an executor, keep the manifest
current after every shard, and write COCO and transforms.json when everything is there.

Resuming is the same call: complete shards (record + files present) are skipped, partial ones are rendered
again from their first frame (deterministic rendering writes the same bytes), leftover temporary files of a
killed run are removed. The folder remembers its spec (``spec.json``); running another spec there is an error.
"""
from __future__ import annotations

import glob
import json
import os
import sys
import threading
import time

from ..files import atomic_write
from ..jobs import SpecError
from . import writers
from .executors import LocalExecutor, RayExecutor, ShardFailed, check_ray_address
from .shard import command
from .spec import DatasetSpec, RunOptions


class DatasetError(Exception):
    """Shards failed after their retries (the message lists them); the manifest lists what is complete."""

    def __init__(self, failures: list[ShardFailed]):
        super().__init__(f"{len(failures)} shard(s) failed: " + "; ".join(str(f) for f in failures))
        self.failures = failures


def _spec_identity(spec: DatasetSpec) -> dict:
    data = spec.to_json()
    data["output_dir"] = "."
    return data


def prepare(spec: DatasetSpec, options: RunOptions):
    """Checks that need more than the spec (executor reachable, folder free for this spec); then the folder."""
    # 1. The executor can start
    if options.executor == "ray":
        check_ray_address(options.ray_address)
    python = options.python or sys.executable
    if options.blender:
        if not (os.path.isfile(options.blender) and os.access(options.blender, os.X_OK)):
            raise SpecError("blender", f"{options.blender} is not an executable file")
    elif not os.path.exists(python):
        raise SpecError("python", f"{python} does not exist")
    # 2. The folder holds this dataset or nothing
    os.makedirs(spec.output_dir, exist_ok=True)
    spec_path = os.path.join(spec.output_dir, "spec.json")
    if os.path.exists(spec_path):
        with open(spec_path) as f:
            old = json.load(f)
        old.setdefault("factory_edition", 1)  # a dataset begun before factory editions was built by edition 1
        if _spec_identity(DatasetSpec.from_json({**old, "output_dir": spec.output_dir})) != _spec_identity(spec):
            diff = sorted(k for k in old if k != "output_dir" and old.get(k) != spec.to_json().get(k))
            if "factory_edition" in diff:
                diff[diff.index("factory_edition")] = (f"factory_edition: it was begun with edition "
                                                       f"{old['factory_edition']}; pass --edition {old['factory_edition']} to resume it")
            raise SpecError("output_dir", f"{spec.output_dir} holds another dataset (differs in: {', '.join(diff)}); "
                            "choose an empty folder")
    # 3. Remove what a killed run left half-written (atomic writes' temporary files)
    for tmp in glob.glob(os.path.join(spec.output_dir, "**", ".*.tmp"), recursive=True):
        os.unlink(tmp)
    atomic_write(spec_path, json.dumps(spec.to_json(), indent=1, sort_keys=True).encode())
    writers.write_labels(spec)
    return spec_path, python


def make_executor(options: RunOptions):
    if options.executor == "ray":
        return RayExecutor(options.ray_address, options.workers, options.retries)
    return LocalExecutor(options.workers, options.retries)


def run(spec: DatasetSpec, options: RunOptions = RunOptions(), *, progress=None, executor=None) -> dict:
    """Render every missing shard. ``progress(done_frames, total_frames)`` is called from executor threads.
    Returns a summary; raises DatasetError if shards still fail after their retries."""
    # 1. Check and prepare the folder
    spec_path, python = prepare(spec, options)
    records = writers.shard_records(spec)
    todo = [sh for sh in spec.shards() if sh.id not in records]
    done_frames = sum(sh.frames for sh in spec.shards() if sh.id in records)
    writers.write_manifest(spec, records)
    # 2. Run the missing shards
    executor = executor or make_executor(options)
    lock = threading.Lock()
    state = {"frames": done_frames, "seen": set()}
    failures: list = []
    if progress:
        progress(done_frames, spec.total_frames)

    def on_frame(shard, frame):
        with lock:
            if (shard.seed, frame) in state["seen"]:  # a retried shard renders its frames again
                return
            state["seen"].add((shard.seed, frame))
            state["frames"] += 1
            n = state["frames"]
        if progress:
            progress(n, spec.total_frames)

    def on_done(shard):
        with lock:
            rec = writers.shard_records(spec)
            writers.write_manifest(spec, rec)

    def on_failed(err):
        with lock:
            failures.append(err)

    t0 = time.monotonic()
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]  # the wheels, for blender -b
    executor.run([(sh, command(python, spec_path, sh, blender=options.blender, paths=paths)) for sh in todo],
                 on_frame, on_done, on_failed)
    # 3. Dataset-level files
    records = writers.shard_records(spec)
    manifest = writers.write_manifest(spec, records)
    summary = {"output_dir": spec.output_dir, "frames_done": manifest["frames_done"], "frames_total": spec.total_frames,
               "shards_run": len(todo), "shards_skipped": len(spec.shards()) - len(todo),
               "seconds": round(time.monotonic() - t0, 2)}
    if failures:
        raise DatasetError(failures)
    if getattr(executor, "cancelled", None) is not None and executor.cancelled.is_set():
        summary["cancelled"] = True
        return summary
    frames = writers.frame_records(spec, records)
    coco = writers.write_coco(spec, frames)
    writers.write_transforms(spec, frames)
    summary.update(images=len(coco["images"]), annotations=len(coco["annotations"]),
                   manifest=os.path.join(spec.output_dir, "manifest.json"),
                   coco=os.path.join(spec.output_dir, "coco.json"))
    return summary
