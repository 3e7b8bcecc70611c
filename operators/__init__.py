"""bpy Operators, one module per user action. Thin: read properties, build a job spec, hand it to the session."""
