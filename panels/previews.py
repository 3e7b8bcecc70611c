"""Images a panel shows (diffusion previews, loss curves) through one ``bpy.utils.previews`` collection per panel."""
import os

import bpy
import bpy.utils.previews


class PreviewSlots:
    """One preview per named slot: reloaded when the file at its path changes or another file takes the slot;
    ``free`` (called by unregister) releases them all."""

    def __init__(self):
        self._coll = None
        self._stamps: dict = {}  # slot -> (path, mtime_ns, size) of the file when it was loaded

    def image(self, slot: str, path: str):
        """The ImagePreview of the PNG at ``path`` shown in ``slot``; None if there is no such file."""
        if not path or not os.path.isfile(path):
            return None
        if self._coll is None:
            self._coll = bpy.utils.previews.new()
        st = os.stat(path)
        stamp = (path, st.st_mtime_ns, st.st_size)
        if slot in self._coll and self._stamps.get(slot) == stamp:
            return self._coll[slot]
        if slot in self._coll:  # the worker rewrote the file, or a newer one replaces it
            del self._coll[slot]
        self._stamps[slot] = stamp
        return self._coll.load(slot, path, "IMAGE", force_reload=True)

    def free(self) -> None:
        if self._coll is not None:
            bpy.utils.previews.remove(self._coll)
        self._coll = None
        self._stamps.clear()
