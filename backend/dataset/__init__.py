"""Synthetic datasets (bpy-free): the spec, camera trajectories, writers (COCO, manifest, transforms.json) and the
orchestrator with its executors. The Blender side of a shard is ``backend/blender/dataset.py``."""
