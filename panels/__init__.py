"""bpy Panels of the N-panel tab "Conjure". Drawing only."""
