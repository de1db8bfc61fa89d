from paragon_desktop.settings import Settings


def test_settings_round_trip(tmp_path):
    path = tmp_path / "settings.json"
    Settings(tile_url="https://tiles.example.org/{z}/{x}/{y}.png", refresh_seconds=20).save(path)
    loaded = Settings.load(path)
    assert loaded.tile_url == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert loaded.refresh_seconds == 20


def test_refresh_interval_stays_between_5_and_50_seconds(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"refresh_seconds": 600}')
    assert Settings.load(path).refresh_seconds == 50
    path.write_text('{"refresh_seconds": 1}')
    assert Settings.load(path).refresh_seconds == 5
    path.write_text('{"refresh_seconds": "soon"}')
    assert Settings.load(path).refresh_seconds == 50


def test_missing_or_broken_settings_give_the_offline_defaults(tmp_path):
    assert Settings.load(tmp_path / "none.json") == Settings()
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert Settings.load(broken) == Settings()
    broken.write_text('["a list"]')
    assert Settings.load(broken) == Settings()
    assert Settings().tile_url is None
