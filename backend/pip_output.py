"""PipOutput: read ``pip install`` output line by line into a progress estimate and, on failure, its cause.

pip does not say up front how many packages it will fetch, so the estimate while resolving is a curve that
approaches 80 % as packages are collected (and megabytes downloaded); "Installing collected packages" moves it
to 85 %, "Successfully installed" to 100 %. It never goes backwards. With ``--progress-bar raw`` (pip >= 24.1)
the ``Progress N of M`` lines give byte-level progress of the current download.
"""
from __future__ import annotations

import collections
import math
import os
import re

_COLLECTING = re.compile(r"^\s*(Collecting|Requirement already satisfied:|Processing)\s+(\S+)")
_DOWNLOADING = re.compile(r"^\s*(?:Downloading|Using cached)\s+(\S+)(?:\s+\(([\d.]+)\s*([kMG]?B)\))?")
_RAW = re.compile(r"^Progress (\d+) of (\d+)$")
_UNITS = {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}
MB_PER_PACKAGE = 50.0  # a downloaded 50 MB counts like one more collected package

_NETWORK_TOKENS = (
    "Failed to establish a new connection", "Temporary failure in name resolution", "Name or service not known",
    "nodename nor servname", "getaddrinfo failed", "Connection refused", "Network is unreachable",
    "No route to host", "Max retries exceeded", "Read timed out", "ConnectTimeoutError", "ProxyError",
    "SSLError", "CERTIFICATE_VERIFY_FAILED", "Connection reset by peer", "IncompleteRead", "Could not fetch URL",
)
_DISK_TOKENS = ("No space left on device", "[Errno 28]", "Disk quota exceeded", "[Errno 122]")


def network_problem(line: str) -> str | None:
    """The network failure a pip line reports, in a few words, or None."""
    token = next((t for t in _NETWORK_TOKENS if t in line), None)
    if token is None:
        return None
    m = (re.search(r"Failed to establish a new connection: ([^'\"]+)", line)
         or re.search(r"(\[Errno -?\d+\] [^'\")]+)", line)
         or re.search(r"(Could not fetch URL \S+: [^.]+)", line))
    detail = m.group(1).strip() if m else token
    host = re.search(r"host='([^']+)'", line)
    return f"{detail} ({host.group(1)})" if host else detail


def disk_full(line: str) -> str | None:
    return "No space left on device" if any(t in line for t in _DISK_TOKENS) else None


class PipOutput:
    """State read from one pip (or venv) run. ``expected`` is a guess of how many packages it will collect."""

    def __init__(self, expected: int):
        self.expected = max(1, expected)
        self.collected = 0
        self.downloaded_mb = 0.0
        self.installing = False
        self.finished = False
        self.message = ""
        self.network: str | None = None
        self.index: str | None = None  # the index pip named, when it is not PyPI
        self.disk: str | None = None
        self.last_error: str | None = None
        self.last_line: str | None = None
        self.tail: collections.deque[str] = collections.deque(maxlen=40)
        self._fraction = 0.0
        self._download: tuple[str, float] | None = None  # (file name, MB) being downloaded
        self._download_done_mb = 0.0

    @property
    def fraction(self) -> float:
        if self.finished:
            f = 1.0
        elif self.installing:
            f = 0.85
        else:
            units = self.collected + (self.downloaded_mb + self._download_done_mb) / MB_PER_PACKAGE
            f = 0.8 * (1.0 - math.exp(-units / self.expected))
        self._fraction = max(self._fraction, f)
        return self._fraction

    def feed(self, line: str) -> bool:
        """Read one line; True if it belongs in the log (raw progress lines do not)."""
        raw = _RAW.match(line)
        if raw:
            done, total = int(raw.group(1)), int(raw.group(2))
            self._download_done_mb = done / 1e6
            if self._download and total:
                name, _ = self._download
                self.message = f"Downloading {name}: {done / 1e6:.0f} of {total / 1e6:.0f} MB"
            return False
        self.tail.append(line)
        self.last_line = line.strip()
        self.network = self.network or network_problem(line)
        self.disk = self.disk or disk_full(line)
        if line.startswith("Looking in indexes: "):
            self.index = line.split(": ", 1)[1].split(",")[0].strip()
        if line.startswith("ERROR: "):
            self.last_error = line[len("ERROR: "):].strip()
        m = _COLLECTING.match(line)
        if m:
            self._end_download()
            self.collected += 1
            if m.group(1) == "Processing":
                self.message = f"Collecting {os.path.basename(m.group(2))}"
            elif m.group(1) == "Collecting":
                self.message = f"Collecting {m.group(2)}"
            else:
                self.message = f"Already installed: {m.group(2)}"
            return True
        m = _DOWNLOADING.match(line)
        if m:
            self._end_download()
            name = os.path.basename(m.group(1).split("#")[0])
            mb = float(m.group(2)) * _UNITS[m.group(3)] / 1e6 if m.group(2) else 0.0
            self._download = (name, mb)
            self.message = f"Downloading {name}" + (f" ({m.group(2)} {m.group(3)})" if m.group(2) else "")
            return True
        if line.startswith("Installing collected packages:"):
            self._end_download()
            n = len(line.split(":", 1)[1].split(","))
            self.installing = True
            self.message = f"Installing {n} package{'s' if n != 1 else ''} (this can take a few minutes)"
        elif line.startswith("Successfully installed"):
            self.finished = True
            n = len(line[len("Successfully installed"):].split())
            self.message = f"Installed {n} package{'s' if n != 1 else ''}"
        return True

    def read_log(self, path: str, offset: int) -> None:
        """Look for network and disk causes in pip's ``--log`` file from ``offset`` on (pip logs some only there)."""
        if self.network and self.disk:
            return
        try:
            with open(path, "rb") as f:
                f.seek(offset)
                for raw in f:
                    line = raw.decode("utf-8", "replace")
                    self.network = self.network or network_problem(line)
                    self.disk = self.disk or disk_full(line)
        except OSError:
            pass

    def _end_download(self) -> None:
        if self._download:
            self.downloaded_mb += self._download[1]
            self._download, self._download_done_mb = None, 0.0
