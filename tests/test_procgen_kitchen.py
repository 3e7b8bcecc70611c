"""Kitchens read as kitchens however small (issue #14: kitchen seed 0 was a 1.2 m counter with five things on it;
34 of kitchen seeds 0-49 had no cooker beside the sink, 23 no fridge)."""
import pytest

from backend.procgen.constraints import violations
from backend.procgen.kitchen import kitchen_run, on_worktops, uppers_over
from backend.procgen.plan import plan

SEEDS = range(16)


@pytest.fixture(scope="module")
def kitchens():
    return {s: plan("kitchen", s) for s in SEEDS}


def test_every_kitchen_has_a_run_with_sink_cooker_uppers_and_things_on_it(kitchens):
    """A worktop with a sink and a cooker side by side along one wall, fronts in line, upper cabinets over the
    run, a fridge, and things on the worktops: in every kitchen, the smallest included."""
    for s, g in kitchens.items():
        run = kitchen_run(g)
        assert run is not None, (s, sorted(o["category"] for o in g["objects"] if o["support"] == "floor"))
        assert uppers_over(g, run[0]), s
        assert any(o["category"] == "fridge" for o in g["objects"]), s
        assert on_worktops(g) >= 4, (s, on_worktops(g))
        assert not violations(g), (s, violations(g)[:3])
    smallest = min(kitchens.values(), key=lambda g: g["params"]["width"] * g["params"]["depth"])
    assert len(smallest["objects"]) >= 14


def test_clutter_density_is_honoured_on_the_worktops(kitchens):
    sparse = sum(on_worktops(plan("kitchen", s, {"density": 0.3})) for s in range(6))
    normal = sum(on_worktops(kitchens[s]) for s in range(6))
    full = sum(on_worktops(plan("kitchen", s, {"density": 2.0})) for s in range(6))
    assert sparse < 0.6 * normal and full > 1.2 * normal, (sparse, normal, full)


def test_upper_cabinets_stand_side_by_side_without_holes(kitchens):
    """Uppers were hung one by one with a 2 cm keep-out, so every second one was refused: a row of them had holes."""
    rows = 0
    for g in kitchens.values():
        ups = sorted((o for o in g["objects"] if o["category"] == "wall_cabinet"), key=lambda o: (o["rotation_z"], o["bounds"]["lo"]))
        for a, b in zip(ups, ups[1:]):
            if abs(a["rotation_z"] - b["rotation_z"]) < 1e-3:
                ax = 0 if abs(a["bounds"]["hi"][0] - a["bounds"]["lo"][0]) > abs(a["bounds"]["hi"][1] - a["bounds"]["lo"][1]) else 1
                rows += b["bounds"]["lo"][ax] - a["bounds"]["hi"][ax] < 0.01
    assert rows >= len(kitchens), rows


def test_a_run_puts_its_fridge_at_the_end_away_from_the_camera(kitchens):
    """Issue #14: a run started at the end of its wall away from the camera corner, but its pieces' order was a coin
    toss, so the fridge often stood at the camera's end: 10 of kitchen seeds 0-19 had a fridge within 1.5 m (in plan)
    of a reserved camera corner, a blank slab beside the lens. Edition 3 turns the run round; what is left are fridges
    standing on their own where the run could not hold them (kitchen 0) or on a short corner run."""
    import math
    near = []
    for s in range(20):
        g = kitchens[s] if s in kitchens else plan("kitchen", s)
        cams = [((z["lo"][0] + z["hi"][0]) / 2, (z["lo"][1] + z["hi"][1]) / 2) for z in g["zones"] if z["kind"] == "camera"]
        near += [s for o in g["objects"] if o["category"] == "fridge"
                 and min(math.hypot(o["location"][0] - x, o["location"][1] - y) for x, y in cams) < 1.5]
    assert len(near) <= 3, near
