"""Reading one message: JSON parsing with limits on nesting and on what strings may hold, and job ids.

Parsing never evaluates anything; every problem becomes a ``BadMessage`` with a one-line reason and, when the
message named a well-formed job id, that id (so the client waiting for that job hears back).
"""
from __future__ import annotations

import json
import re

from .connection import MAX_MESSAGE
from .runner import one_line

MAX_DEPTH = 32  # nesting of objects/arrays in one message (a job spec needs about 6)
_JOB_ID_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
_JOB_ID_RE = re.compile(rb'"job_id"\s*:\s*"([A-Za-z0-9_-]{1,64})"')


class BadMessage(ValueError):
    """The message is malformed (answered with a bad_request error for ``job_id`` when it named one)."""

    def __init__(self, message: str, job_id: str | None = None):
        super().__init__(message)
        self.job_id = job_id


def parse_message(line: bytes) -> dict:
    """One line -> the message dict, or BadMessage saying (in one line) what is wrong with it."""
    try:
        msg = json.loads(line)
    except RecursionError:
        raise BadMessage(f"message is nested deeper than {MAX_DEPTH} levels", _job_id_in(line)) from None
    except (ValueError, UnicodeDecodeError) as e:
        raise BadMessage(f"message is not valid JSON: {one_line(str(e), 120)}", _job_id_in(line)) from None
    try:
        _check_tree(msg)
    except BadMessage as e:
        e.job_id = job_id_of(msg)
        raise
    if not isinstance(msg, dict) or not isinstance(msg.get("op"), str):
        raise BadMessage("message must be an object with an 'op'", job_id_of(msg))
    return msg


def _job_id_in(line: bytes) -> str | None:
    """The job a message that cannot be parsed was about, when it names exactly one (so its client hears back)."""
    found = set(_JOB_ID_RE.findall(line[:MAX_MESSAGE]))
    return found.pop().decode() if len(found) == 1 else None


def _check_tree(value) -> None:
    """Depth at most MAX_DEPTH, and every string (keys too) valid UTF-8 (no lone surrogates). Iterative."""
    stack = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, (dict, list)):
            if depth > MAX_DEPTH:
                raise BadMessage(f"message is nested deeper than {MAX_DEPTH} levels")
            items = v.items() if isinstance(v, dict) else ((None, x) for x in v)
            for k, x in items:
                if k is not None:
                    _check_str(k)
                stack.append((x, depth + 1))
        elif isinstance(v, str):
            _check_str(v)


def _check_str(s: str) -> None:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise BadMessage("message holds a string that is not valid Unicode (a lone surrogate)") from None


def job_id_of(msg) -> str | None:
    job_id = msg.get("job_id") if isinstance(msg, dict) else None
    return job_id if valid_job_id(job_id) else None


def valid_job_id(job_id) -> bool:
    return isinstance(job_id, str) and 0 < len(job_id) <= 64 and set(job_id) <= _JOB_ID_CHARS
