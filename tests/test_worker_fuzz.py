"""Seeded fuzzing of the worker protocol (issue #10): a few thousand hostile messages against one real worker
on loopback, bounded in count and time. Every message must get an answer of a documented kind, for the job it
named; the worker must stay up, answer a legitimate client, and never report an ``internal`` error."""
import json
import random
import re
import time

import pytest

from backend.client import WorkerClient
from backend.worker.server import MAX_DEPTH
from conftest import SMALL_PARAMS
from worker_util import Raw, Served

pytestmark = pytest.mark.timeout(240)

KINDS = {"unauthorized", "bad_request", "bad_spec", "busy", "failed", "out_of_memory", "internal"}
MESSAGES = 4000
HOSTILE_CONNECTIONS = 150


def nasty(rng: random.Random):
    """A value that has broken JSON servers before."""
    k = rng.randrange(14)
    if k == 0:
        return 10 ** rng.randrange(20, 1200)           # too large for a float
    if k == 1:
        return -(10 ** rng.randrange(20, 400))
    if k == 2:
        return float("nan")
    if k == 3:
        return float("inf")
    if k == 4:
        return "\ud800" + "x" * rng.randrange(3)        # lone surrogate
    if k == 5:
        return f"__DEEP{rng.choice([MAX_DEPTH - 8, MAX_DEPTH + 1, 200, 990, 3000])}__"  # nested lists, see encode
    if k == 6:
        return "y" * rng.randrange(0, 200_000)
    if k == 7:
        return rng.choice([None, True, False, {}, [], "", 0, -1, 0.5])
    if k == 8:
        return {"\udfff": 1}
    if k == 9:
        return rng.random() * 10 ** rng.randrange(-300, 300)
    if k == 10:
        return [rng.randrange(-5, 5) for _ in range(rng.randrange(5))]
    if k == 11:
        return rng.choice(["../../etc", "/proc/self", "a" * 65, "a/b", "\x00"])
    if k == 12:
        return {"kind": "sphere", "size": [nasty_small(rng), 0, 0]}
    return rng.randrange(-2**40, 2**40)


def nasty_small(rng):
    return rng.choice([10 ** 400, -1, 0, 1e-320, float("nan"), "1"])


def mutate(rng: random.Random, value, depth=0):
    """``value`` with one randomly chosen leaf (or a new key) replaced by something nasty."""
    if isinstance(value, dict) and value and depth < 6:
        value = dict(value)
        if rng.random() < 0.15:
            value[rng.choice(["extra", "params", "type", "spec", "Σ"])] = nasty(rng)
            return value
        key = rng.choice(sorted(value))
        value[key] = mutate(rng, value[key], depth + 1) if rng.random() < 0.6 else nasty(rng)
        return value
    if isinstance(value, list) and value and depth < 6:
        value = list(value)
        i = rng.randrange(len(value))
        value[i] = mutate(rng, value[i], depth + 1) if rng.random() < 0.6 else nasty(rng)
        return value
    return nasty(rng)


def encode(msg) -> bytes:
    """One line; NaN/Infinity go out as the literals Python's json accepts; "__DEEPn__" as n nested lists."""
    text = json.dumps(msg)
    text = re.sub(r'"__DEEP(\d+)__"', lambda m: "[" * int(m.group(1)) + "]" * int(m.group(1)), text)
    return text.encode() + b"\n"


def check_error(ev, job_id):
    assert ev["event"] == "error", ev
    assert ev["kind"] in KINDS and ev["kind"] != "internal", ev
    assert ev["job_id"] == job_id, (ev, job_id)
    assert isinstance(ev["message"], str) and "\n" not in ev["message"] and len(ev["message"]) <= 1000, ev
    assert "Traceback" not in json.dumps(ev)


def test_fuzz_protocol(tmp_path):
    rng = random.Random(10)
    served = Served(tmp_path)
    t_start = time.monotonic()
    base_noop = {"type": "noop", "output_dir": str(tmp_path / "out"), "params": {"echo": "x"}}
    base_shape = {"type": "implicit_shape", "name": "fz", "output_dir": str(tmp_path / "out"),
                  "params": dict(SMALL_PARAMS, resolution=8, texture_size=16, face_budget=100)}
    try:
        # 1. Before hello: garbage, wrong tokens, oversize lines; each connection is answered or hung up on.
        for i in range(HOSTILE_CONNECTIONS):
            r = Raw(served.port, timeout=10)
            choice = i % 5
            try:
                if choice == 0:
                    r.send_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))) + b"\n")
                elif choice == 1:
                    r.send({"op": "hello", "token": nasty(rng)} if rng.random() < 0.5 else {"op": "hello"})
                elif choice == 2:
                    r.send_bytes(b"{" * 5000 + b"\n")
                elif choice == 3:
                    r.send_bytes(b"z" * 10_000)
                else:
                    r.send({"op": "submit", "job_id": "pre", "spec": base_noop})
            except OSError:
                pass
            assert r.closed(timeout=10), f"pre-hello connection {i} stayed open"
            r.close()
        assert served.alive()

        # 2. After hello: mutated messages, each answered for the right job.
        r = served.raw()
        for i in range(MESSAGES):
            job_id = f"f{i}"
            k = rng.randrange(10)
            if k == 0:
                line, expect = bytes(rng.randrange(1, 256) for _ in range(rng.randrange(1, 200))).replace(
                    b"\n", b" ") + b"\n", None
            elif k == 1:
                line, expect = encode(nasty(rng)), None
            elif k == 2:
                line, expect = encode({"op": nasty(rng), "job_id": job_id}), job_id
            elif k == 3:
                line, expect = encode({"op": "cancel", "job_id": rng.choice([job_id, nasty(rng)])}), None
            else:
                spec = mutate(rng, base_shape if k < 7 else base_noop)
                line, expect = encode({"op": "submit", "job_id": job_id, "spec": spec}), job_id
            r.send_bytes(line)
            ev = r.read()
            if ev["event"] == "accepted":  # the mutation happened to be valid: stop it and wait for its end
                assert ev["job_id"] == job_id
                r.send({"op": "cancel", "job_id": job_id})
                ev = r.read_until(lambda e: e.get("job_id") == job_id and e["event"] in ("result", "error",
                                                                                          "cancelled"))
                assert ev["event"] != "error" or ev["kind"] != "internal", ev
                r.send({"op": "status"})  # a cancel that came too late is answered "already ended": skip it
                r.read_until(lambda e: e["event"] == "status" or (e["event"] == "error" and e["job_id"] != job_id
                                                                    and pytest.fail(f"unexpected {e}")))
                continue
            if ev["event"] == "error" and b'"op": "cancel"' in line:
                expect = ev["job_id"]  # cancel of a valid but unknown id names it; of an invalid one, null
                assert expect is None or expect == job_id
            if ev["event"] == "error" and ev["job_id"] is None and expect is not None:
                # Only a message too broken to name its job may answer for no job.
                assert ev["kind"] == "bad_request", (ev, line[:200])
                continue
            check_error(ev, expect)
            assert time.monotonic() - t_start < 200, "fuzzing ran too long"

        # 3. Still alive and serving a legitimate client; nothing internal went wrong.
        assert served.alive()
        c = WorkerClient.connect("127.0.0.1", served.port, served.token)
        job = c.submit(base_noop)
        assert c.wait_for(job, 10)["event"] == "result"
        c.close()
        assert "unexpected error" not in served.log() and "failed\nTraceback" not in served.log()
    finally:
        served.stop()
