"""Territorial sharing on a grid of test jurisdictions (shapely/GEOS; PostGIS in the service tests)."""

import pytest
from shapely.geometry import LineString, Point, box

from paragon_desktop.domain.enums import ShareReason
from paragon_desktop.gis.territory import territorial_shares

MUNICIPALITY = ("municipality", "")
PROVINCE = ("province", "")
FIRE_ZONE = ("discipline", "D1")


def grid(rows: int = 3, cols: int = 3) -> dict:
    """Municipality n covers [col, col+1] x [row, row+1]; ids row * 10 + col."""
    return {r * 10 + c: (MUNICIPALITY, box(c, r, c + 1, r + 1)) for r in range(rows) for c in range(cols)}


def split(shares):
    competent = {k for k, v in shares.items() if v is ShareReason.COMPETENT}
    neighbours = {k for k, v in shares.items() if v is ShareReason.NEIGHBOUR}
    return competent, neighbours


def test_inside_a_cell_shares_with_it_and_the_eight_around_it():
    competent, neighbours = split(territorial_shares(Point(1.5, 1.5), grid()))
    assert competent == {11}
    # Cells touching along an edge and at a corner are both direct neighbours.
    assert neighbours == {0, 1, 2, 10, 12, 20, 21, 22}


def test_inside_a_corner_cell_reaches_only_the_three_cells_that_touch_it():
    competent, neighbours = split(territorial_shares(Point(0.5, 0.5), grid()))
    assert competent == {0}
    assert neighbours == {1, 10, 11}


def test_on_a_border_both_sides_are_competent():
    competent, neighbours = split(territorial_shares(Point(1.0, 0.5), grid()))
    assert competent == {0, 1}
    assert neighbours == {2, 10, 11, 12}


def test_on_a_corner_point_all_four_cells_are_competent():
    competent, neighbours = split(territorial_shares(Point(1.0, 1.0), grid()))
    assert competent == {0, 1, 10, 11}
    assert neighbours == {2, 12, 20, 21, 22}


def test_outside_every_jurisdiction_shares_with_nobody():
    assert territorial_shares(Point(7, 7), grid()) == {}
    # Near, but not touching: still nobody.
    assert territorial_shares(Point(3.001, 0.5), grid()) == {}


def test_an_area_location_makes_every_cell_it_crosses_competent():
    route = LineString([(0.5, 0.5), (2.5, 0.5)])
    competent, neighbours = split(territorial_shares(route, grid()))
    assert competent == {0, 1, 2}
    assert neighbours == {10, 11, 12}


def test_borders_that_miss_each_other_by_a_centimetre_still_touch():
    areas = {1: (MUNICIPALITY, box(0, 0, 1, 1)), 2: (MUNICIPALITY, box(1 + 5e-8, 0, 2, 1)),
             3: (MUNICIPALITY, box(1.001, 2, 2, 3))}
    competent, neighbours = split(territorial_shares(Point(0.5, 0.5), areas))
    assert competent == {1}
    assert neighbours == {2}


def test_neighbours_are_taken_within_the_same_level():
    areas = {**grid(), 100: (PROVINCE, box(0, 0, 3, 3)), 101: (PROVINCE, box(3, 0, 6, 3)),
             102: (MUNICIPALITY, box(3, 0, 4, 1)),  # in the next province, touching ours
             200: (FIRE_ZONE, box(0, 0, 2, 3)), 201: (FIRE_ZONE, box(2, 0, 3, 3))}
    competent, neighbours = split(territorial_shares(Point(0.5, 0.5), areas))
    assert competent == {0, 100, 200}
    # The next province is the province's neighbour and the next fire zone the zone's, but a
    # municipality touching our province's border far from the incident is not.
    assert neighbours == {1, 10, 11, 101, 201}
    assert 102 not in neighbours


def test_holes_in_a_jurisdiction_are_not_its_territory():
    ring = box(0, 0, 3, 3).difference(box(1, 1, 2, 2))
    enclave = box(1, 1, 2, 2)
    areas = {1: (MUNICIPALITY, ring), 2: (MUNICIPALITY, enclave)}
    competent, neighbours = split(territorial_shares(Point(1.5, 1.5), areas))
    assert competent == {2}
    assert neighbours == {1}


@pytest.mark.parametrize("location", [Point(0.5, 0.5), box(0.2, 0.2, 0.4, 0.4)])
def test_results_do_not_depend_on_the_order_of_the_jurisdictions(location):
    forwards = grid()
    backwards = dict(reversed(list(forwards.items())))
    assert territorial_shares(location, forwards) == territorial_shares(location, backwards)


def test_one_index_answers_several_threads_at_once():
    """The case form asks for the sharing preview and starts the case on two worker threads;
    two GEOS queries at once on the same prepared areas crashed the app (a segfault in the
    suite). The script runs in its own process so a crash is a failed test, not a dead run."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).parents[1] / "data" / "territory_threads.py"
    result = subprocess.run([sys.executable, str(script), "40"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"
