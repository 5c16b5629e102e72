"""``csc-demand validate``: exit status, one JSON object with --json, and no child-level value in output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "io"))
from io_fixtures import SECRET_NAME, SECRET_POSTCODE, blank_template, make_lists, messy_workbook  # noqa: E402

from csc_demand.cli import main  # noqa: E402


@pytest.fixture()
def key_file(tmp_path, monkeypatch):
    monkeypatch.setenv("CSC_DEMAND_HOME", str(tmp_path / "home"))
    return tmp_path / "test.key"


def _forbidden(lists) -> list[str]:
    """Raw IDs (in every written form), names, postcodes, full dates of birth."""
    out = [SECRET_NAME, SECRET_POSTCODE]
    for frame in lists.values():
        out += [str(i) for i in frame["id"].unique()]
        out += [d.strftime("%d/%m/%Y") for d in frame["dob"]] + [d.strftime("%Y-%m-%d") for d in frame["dob"]]
    return out


def test_json_output_is_one_object_with_the_issue_keys(tmp_path, capsys, key_file):
    lists = make_lists(seed=21)
    path = tmp_path / "annex_a_2020-12-31.xlsx"
    expected = messy_workbook(path, lists)
    status = main(["validate", str(path), "--json", "--key-file", str(key_file)])
    out, err = capsys.readouterr()
    assert status == 0
    summary = json.loads(out)  # exactly one JSON object: json.loads rejects trailing text
    assert summary["extract_date"] == "2020-12-31" and summary["extract_date_source"] == "file name"
    assert summary["lists"]["referrals"]["rows"] == expected["referrals"]["rows"]
    assert summary["lists"]["cp_plans"]["open_at_extract"] == expected["cp_plans"]["open"]
    assert summary["lists"]["looked_after"]["open_at_extract"] == expected["looked_after"]["open"]
    assert summary["rows_not_used"] == sum(e["not_used"] for e in expected.values())
    assert set(summary["problems"][0]) >= {"severity", "file", "sheet", "row", "column", "message"}
    for value in _forbidden(lists):
        assert value not in out and value not in err
    assert key_file.exists()


def test_text_output_and_no_child_values(tmp_path, capsys, key_file):
    lists = make_lists(seed=22)
    path = tmp_path / "annex_a_2020-12-31.xlsx"
    messy_workbook(path, lists)
    status = main(["validate", str(path), "--key-file", str(key_file)])
    out, _ = capsys.readouterr()
    assert status == 0
    assert "List 3 Referral:" in out and "open at the extract date" in out and "Ready" in out
    assert "Referrals (headers in row 3)" in out
    for value in _forbidden(lists):
        assert value not in out


def test_missing_list_exits_1_naming_it(tmp_path, capsys, key_file):
    import xlsxwriter

    from csc_demand.tables import REFERRALS

    path = tmp_path / "only_referrals.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Referrals")
    ws.write_row(0, 0, REFERRALS.headers)
    ws.write_row(1, 0, [1, "a) Male", "", "", 4, "01/10/2020", "q) 6: Police"])
    wb.close()
    assert main(["validate", str(path), "--key-file", str(key_file)]) == 1
    out, _ = capsys.readouterr()
    assert "List 7 (Child Protection) was not found" in out and "Child Protection Plan Start Date" in out
    assert "List 8 (Children in Care) was not found" in out and "Date Started to be Looked After" in out
    assert main(["validate", str(path), "--json", "--key-file", str(key_file)]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["missing_lists"] == ["cp_plans", "looked_after"]
    assert "List 7" in err


def test_unreadable_file_is_one_line_exit_1(tmp_path, capsys, key_file):
    path = tmp_path / "annex.xlsx"
    path.write_bytes(b"not a workbook at all")
    assert main(["validate", str(path), "--json", "--key-file", str(key_file)]) == 1
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "annex.xlsx" in err and "Traceback" not in err
    result = json.loads(out)  # with --json, stdout still holds exactly one JSON object
    assert result["ok"] is False and "annex.xlsx" in result["error"]
    assert main(["validate", str(path), "--key-file", str(key_file)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "annex.xlsx" in err


def test_template_and_extract_date_option(tmp_path, capsys, key_file):
    blank_template(tmp_path / "template.xlsx")
    assert main(["validate", str(tmp_path / "template.xlsx"), "--extract-date", "2021-03-31", "--json",
                 "--key-file", str(key_file)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["extract_date"] == "2021-03-31" and summary["extract_date_source"] == "user"
    assert summary["lists"]["referrals"]["rows"] == 0


def test_console_script_process(tmp_path, key_file):
    """The real process: stdout holds exactly one JSON object."""
    path = tmp_path / "annex_a_2020-12-31.xlsx"
    messy_workbook(path, make_lists(seed=23))
    proc = subprocess.run([sys.executable, "-m", "csc_demand", "validate", str(path), "--json", "--key-file",
                           str(key_file)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ok"] is True


def test_a_workbook_saved_without_calculated_values_is_explained_and_not_ready(tmp_path, capsys, key_file):
    # openpyxl (like many scripts and export tools) writes formulas without their results: the cells read
    # as empty, so every row lacks its child ID and date
    import openpyxl

    from csc_demand.tables import CP_PLANS, LOOKED_AFTER, REFERRALS

    wb = openpyxl.Workbook()
    sheets = {"List_3": (REFERRALS.headers, 0, 5), "List_7": (CP_PLANS.headers, 0, 6),
              "List_8": (LOOKED_AFTER.headers, 0, 7)}
    for i, (name, (headers, id_col, date_col)) in enumerate(sheets.items()):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = name
        ws.append(headers)
        for r in range(2, 40):
            ws.cell(r, id_col + 1, '="C"&ROW()')
            ws.cell(r, date_col + 1, "=DATE(2020,10,MOD(ROW(),28)+1)")
            if name != "List_8":  # List 8: nothing but formulas, so its rows read as blank
                ws.cell(r, 2, "b) Female")
    path = tmp_path / "annex_a_2020-12-31.xlsx"
    wb.save(path)
    status = main(["validate", str(path), "--key-file", str(key_file)])
    out, _ = capsys.readouterr()
    assert status == 1
    assert "saved without their calculated values" in out and "save it" in out
    assert "NOT READY" in out and "no usable rows" in out
    status = main(["validate", str(path), "--json", "--key-file", str(key_file)])
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert status == 1 and summary["ok"] is False
    assert sorted(summary["unusable_lists"]) == ["cp_plans", "looked_after", "referrals"]
    formulas = [p for p in summary["problems"] if p["kind"] == "formulas_without_values"]
    assert {p["sheet"] for p in formulas} == {"List_3", "List_7", "List_8"} and "76 cells" in formulas[0]["message"]
    assert "no usable rows" in err
