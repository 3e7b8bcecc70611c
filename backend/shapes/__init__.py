"""Shape from Primitives: signed-distance primitives (sphere, torus, box, capsule) with a colour field, meshed and
textured by the worker (job type ``implicit_shape``)."""
