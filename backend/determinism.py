"""Same seed, same bytes on every x86-64 machine: pin OpenBLAS's kernel before numpy loads it.

numpy's matrix products (``@``, ``dot``) run in OpenBLAS, which picks its kernels by CPU. On AVX-512 CPUs
(Skylake-X, Cooper Lake, Zen 4) it uses kernels whose N x 3 @ 3 x 3 products round differently in the last bit from
the AVX2 ("Haswell") kernels every pinned digest of the procedural assets was taken with (a Cooper Lake machine
changed editions 1 and 2's digests). Setting ``OPENBLAS_CORETYPE=Haswell`` before numpy is imported picks the
same kernels everywhere they can run (any x86-64 CPU with AVX2 and FMA).

``pin_blas()`` is called first thing by the worker, the CLI and the tests; the Makefile exports the variable too.
It can do nothing once numpy is loaded, which is the case inside Blender's own Python (Blender loads numpy at
start): start Blender with ``OPENBLAS_CORETYPE=Haswell`` for bytes that match other machines.
"""
import os
import platform
import sys

CORETYPE = "Haswell"


def _cpu_flags() -> set:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def pin_blas() -> bool:
    """Set OPENBLAS_CORETYPE (unless already set) where the Haswell kernels can run and numpy is not yet loaded.
    Returns whether OpenBLAS will use the pinned kernels."""
    if os.environ.get("OPENBLAS_CORETYPE"):
        return os.environ["OPENBLAS_CORETYPE"] == CORETYPE
    if "numpy" in sys.modules or platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    if not {"avx2", "fma"} <= _cpu_flags():   # forcing Haswell kernels on an older CPU would crash
        return False
    os.environ["OPENBLAS_CORETYPE"] = CORETYPE
    return True
