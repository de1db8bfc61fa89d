"""A user's draw order and labels on this machine: kept per database, user and case; a damaged
file never stops the app."""

from __future__ import annotations

import json

from paragon_desktop.ui.map_prefs import MapPrefs


def test_order_and_labels_are_kept_per_user_and_case(tmp_path):
    path = tmp_path / "map.json"
    mine = MapPrefs("sqlite:///a.db", 1, 7, path)
    mine.set_order([3, 1, 2])
    mine.set_label(2, "ppm")
    assert MapPrefs("sqlite:///a.db", 1, 7, path).order == [3, 1, 2]
    assert MapPrefs("sqlite:///a.db", 1, 7, path).labels == {2: "ppm"}
    assert MapPrefs("sqlite:///a.db", 2, 7, path).labels == {}  # another user
    assert MapPrefs("sqlite:///a.db", 1, 8, path).order == []  # another case
    mine.set_label(2, None)
    assert mine.labels == {}


def test_a_damaged_file_is_set_aside(tmp_path):
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"sqlite:///a.db|1|7": {"order": "x", "labels": ["y"]}}))
    prefs = MapPrefs("sqlite:///a.db", 1, 7, path)
    assert (prefs.order, prefs.labels) == ([], {})
    path.write_text("{kapot")
    assert prefs.order == []
    assert (tmp_path / "map.damaged").exists()
