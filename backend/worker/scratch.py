"""Where a job's files live until they are complete, and cleaning up after a worker that was killed.

1. A job writes its outputs into a private staging folder inside its output folder
   (``<output_dir>/.conjure-staging-<job>-<random>``, mode 0700). When the job has succeeded, the files are moved
   into place together (``commit``); when it fails or is cancelled, the folder is removed: a result pair (GLB +
   texture) is replaced whole or not at all.
2. Each worker has a private folder ``$TMPDIR/conjure-<uid>/worker-<pid>``: its temporary files (the UV unwrap's
   exchange folder among them: ``tempfile`` points there) and a journal of the staging folders it made.
3. At start, a worker removes what dead workers left: the folders of workers whose pid is gone, the staging
   folders and the atomic-write ``*.tmp`` files their journals name. A staging folder killed in the middle of
   its commit (it holds the ``COMMIT`` list) is rolled forward instead: its files were complete.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile

from ..files import private_dir

log = logging.getLogger("conjure.worker")

STAGING_PREFIX = ".conjure-staging-"
COMMIT = "COMMIT"
_TMP_RE = re.compile(r"^\..+\.[0-9a-f]{8}\.tmp$")  # backend.files.atomic_write's temporary names
_journal: str | None = None  # this worker's journal (None outside a worker: nothing is recorded)


def worker_root() -> str:
    """``$TMPDIR/conjure-<uid>``: private to this user (0700, refused if someone else owns it)."""
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return private_dir(os.path.join(tempfile.gettempdir(), f"conjure-{uid}"))


def init(root: str | None = None) -> str:
    """Called once when a worker starts: clean after dead workers, make this worker's folder, point ``tempfile``
    (and child processes' TMPDIR) into it, start the journal. Returns the folder."""
    global _journal
    root = root or worker_root()
    clean_stale(root)
    mine = private_dir(os.path.join(root, f"worker-{os.getpid()}"))
    tmp = private_dir(os.path.join(mine, "tmp"))
    tempfile.tempdir = tmp
    os.environ["TMPDIR"] = tmp
    _journal = os.path.join(mine, "staging.txt")
    return mine


def finish() -> None:
    """A clean exit: remove this worker's folder."""
    if _journal is not None:
        shutil.rmtree(os.path.dirname(_journal), ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(root: str) -> int:
    """Remove what workers that are gone left behind. Returns how many things were removed or rolled forward."""
    done = 0
    for entry in os.listdir(root):
        m = re.fullmatch(r"worker-(\d+)", entry)
        if not m or int(m.group(1)) == os.getpid() or _alive(int(m.group(1))):
            continue
        folder = os.path.join(root, entry)
        try:
            with open(os.path.join(folder, "staging.txt"), encoding="utf-8") as f:
                staged = [line.rstrip("\n") for line in f if line.strip()]
        except OSError:
            staged = []
        for path in dict.fromkeys(staged):
            done += _clean_staging(path)
        shutil.rmtree(folder, ignore_errors=True)
        done += 1
    return done


def _clean_staging(path: str) -> int:
    if not os.path.basename(path).startswith(STAGING_PREFIX):
        return 0
    out_dir = os.path.dirname(path)
    done = 0
    if os.path.isdir(path) and not os.path.islink(path):
        if os.path.exists(os.path.join(path, COMMIT)):
            _move_into_place(path, out_dir)
            log.info("finished the interrupted commit of %s", path)
        shutil.rmtree(path, ignore_errors=True)
        done += 1
    for folder in (out_dir, os.path.join(out_dir, ".preview")):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if _TMP_RE.match(name):
                try:
                    os.unlink(os.path.join(folder, name))
                    done += 1
                except OSError:
                    pass
    return done


def _staged_files(staging: str) -> list[str]:
    return sorted(n for n in os.listdir(staging)
                  if n != COMMIT and not _TMP_RE.match(n) and os.path.isfile(os.path.join(staging, n)))


def _move_into_place(staging: str, out_dir: str) -> None:
    with open(os.path.join(staging, COMMIT), encoding="utf-8") as f:
        names = [n for n in f.read().split("\n") if n]
    for name in names:
        src = os.path.join(staging, name)
        if os.path.exists(src):
            os.replace(src, os.path.join(out_dir, name))


class Staging:
    """A job's private staging folder inside its output folder."""

    def __init__(self, out_dir: str, job_id: str):
        self.out_dir = out_dir
        os.makedirs(out_dir, exist_ok=True)
        self.path = tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{job_id[:16]}-", dir=out_dir)  # mode 0700
        if _journal is not None:
            with open(_journal, "a", encoding="utf-8") as f:
                f.write(self.path + "\n")
                f.flush()
                os.fsync(f.fileno())

    def commit(self) -> dict[str, str]:
        """Move every staged file into the output folder, together. Returns staged path -> final path."""
        names = _staged_files(self.path)
        for name in names:  # checked before anything moves, so the moves themselves cannot meet a folder
            if os.path.isdir(os.path.join(self.out_dir, name)):
                raise IsADirectoryError(f"{os.path.join(self.out_dir, name)} is a folder")
        marker = os.path.join(self.path, COMMIT)
        with open(marker, "w", encoding="utf-8") as f:  # from here on a killed worker's successor rolls forward
            f.write("\n".join(names) + "\n")
            f.flush()
            os.fsync(f.fileno())
        _move_into_place(self.path, self.out_dir)
        os.unlink(marker)
        return {os.path.join(self.path, n): os.path.join(self.out_dir, n) for n in names}

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def rewrite_paths(value, moved: dict[str, str]):
    """``value`` (a result's fields) with staged paths replaced by where the files ended up."""
    if isinstance(value, str):
        return moved.get(value, value)
    if isinstance(value, dict):
        return {k: rewrite_paths(v, moved) for k, v in value.items()}
    if isinstance(value, list):
        return [rewrite_paths(v, moved) for v in value]
    return value
