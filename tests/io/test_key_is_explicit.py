"""No hidden side effects: the API writes no key file unless asked; the command line keeps one and says so once."""

from __future__ import annotations

from io_fixtures import make_lists, write_csv_folder

from csc_demand.cli import main
from csc_demand.io import load_or_create_key, read_annex_a


def test_reading_without_a_key_writes_nothing_and_says_so(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("CSC_DEMAND_HOME", str(home))
    folder = tmp_path / "annex_a_2020-12-31"
    write_csv_folder(folder, make_lists())
    one, two = read_annex_a(folder), read_annex_a(folder)
    assert not home.exists()                                        # no key file was made anywhere
    assert any(p.kind == "one_off_key" for p in one.quality.problems)
    assert set(one.referrals["child_id"]).isdisjoint(two.referrals["child_id"])   # a one-off key each time
    key = load_or_create_key()
    kept = read_annex_a(folder, key=key), read_annex_a(folder, key=key)
    assert list(kept[0].referrals["child_id"]) == list(kept[1].referrals["child_id"])
    assert not any(p.kind == "one_off_key" for p in kept[0].quality.problems)


def test_the_command_line_keeps_a_key_and_says_so_once(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CSC_DEMAND_HOME", str(tmp_path / "home"))
    folder = tmp_path / "annex_a_2020-12-31"
    write_csv_folder(folder, make_lists())
    main(["validate", str(folder)])
    first = capsys.readouterr().err
    main(["validate", str(folder)])
    second = capsys.readouterr().err
    assert "Made a pseudonymisation key" in first and "Made a pseudonymisation key" not in second
    assert (tmp_path / "home").exists()
