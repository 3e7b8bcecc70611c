"""``train``: fine-tune (or train) the embedded text-to-3D model on a folder of your own meshes."""
from __future__ import annotations


def cmd_train(args) -> int:
    from ..generate.embedded.cli import cmd_train as train

    return train(args)


def add_subcommands(sub) -> None:
    t = sub.add_parser("train", help="fine-tune the embedded model on your meshes: a folder of GLB/OBJ + captions.csv")
    t.add_argument("--data", required=True, help="folder of .glb/.obj files and captions.csv (rows: file,caption)")
    t.add_argument("--out", help="model folder to write (default: <model dir>/embedded/<folder name>)")
    t.add_argument("--steps", type=int, default=300, help="training steps for each stage, 1.. (default 300)")
    t.add_argument("--init", help="model folder to start from (default: the shipped embedded weights)")
    t.add_argument("--seed", type=int, default=0, help="random seed, 0..4294967295 (default 0)")
    t.add_argument("--quiet", action="store_true", help="no progress log on stderr")
    t.set_defaults(func=cmd_train)
