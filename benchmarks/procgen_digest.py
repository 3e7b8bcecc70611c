"""Check (issue #14 speed-ups): one sha256 over the numpy mesh and material descriptions of every category x
editions 1-3 x detail levels x seeds, for proving that a refactor changes no output byte: run it before and after
and compare the last line (per-category digests are printed too, to find what changed).

Usage: .venv/bin/python benchmarks/procgen_digest.py [--details 0.35,1,2,8] [--seeds 3] [--categories a,b]
"""
import argparse
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from backend.determinism import pin_blas  # noqa: E402

pin_blas()  # the digest must not depend on which OpenBLAS kernels this CPU gets
from backend.procgen.factories import build_registry  # noqa: E402
from backend.procgen.registry import generate  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--details", default="0.35,1,2,8")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--categories", default="")
    a = ap.parse_args()
    reg = build_registry()
    cats = [c for c in a.categories.split(",") if c] or reg.names()
    total = hashlib.sha256()
    for cat in cats:
        h = hashlib.sha256()
        for ed in (1, 2, 3):
            for d in (float(x) for x in a.details.split(",")):
                for seed in range(a.seeds):
                    asset, full = generate(reg, cat, seed, detail_level=d, edition=ed)
                    h.update(asset.mesh.digest().encode())
                    h.update(json.dumps([asset.materials, full], sort_keys=True, default=str).encode())
        print(cat, h.hexdigest()[:16], flush=True)
        total.update(h.digest())
    print("all", len(cats), "categories", total.hexdigest())


if __name__ == "__main__":
    main()
