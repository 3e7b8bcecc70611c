"""Files on disk: atomic writes, and private folders that nobody else can plant files in."""
from __future__ import annotations

import os
import stat
import uuid


def atomic_write(path: str, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` (mode from the umask), then rename it over ``path``:
    readers see the old file or the new one, never half of one."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def private_dir(path: str) -> str:
    """Create ``path`` with mode 0700 if missing; refuse one that another user owns or others can write to.

    Used for folders under the shared temp directory, where another user could otherwise create the folder
    first and plant files in it."""
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    st = os.lstat(path)
    if not stat.S_ISDIR(st.st_mode):
        raise PermissionError(f"{path} exists and is not a folder")
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        raise PermissionError(f"{path} belongs to another user (uid {st.st_uid}); refusing to use it")
    if st.st_mode & 0o022:
        os.chmod(path, 0o700)
    return path


def read_token_file(path: str) -> tuple[str, str | None]:
    """The token in ``path`` (surrounding whitespace removed) and a warning when others may read the file
    (group or world permission bits set), else None. OSError when the file cannot be read; ValueError when
    it is empty."""
    path = os.path.abspath(os.path.expanduser(path))
    with open(path, "rb") as f:
        st = os.fstat(f.fileno())
        token = f.read(4096).decode("utf-8", "replace").strip()
    if not token:
        raise ValueError(f"token file {path} is empty")
    warning = None
    if st.st_mode & 0o077:
        warning = (f"token file {path} can be read by other users (mode {stat.S_IMODE(st.st_mode):o}); "
                   f"run: chmod 600 {path}")
    return token, warning
