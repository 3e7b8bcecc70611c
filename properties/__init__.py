"""Blender property groups and add-on preferences: data only, used by operators/ and panels/ alike."""
