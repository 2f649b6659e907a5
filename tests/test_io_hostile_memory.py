"""Hostile input that fits the zip caps but used to fill memory or time (issue 14): a workbook
with one cell far away, an Apple export with a workout of millions of children, elements nested
millions deep, an attribute of tens of MiB. Each is built here as the hostile-testing round
built it and must load with the right counts or be refused with one IngestError naming the
file. (Time and memory are measured by benchmarks/hostile_memory.py, not here.)"""
from __future__ import annotations

import datetime as dt
import os
import random
import zipfile

import openpyxl
import pandas as pd
import pytest

from rollstats.errors import IngestError
from rollstats.io import apple, load, xlsxfile, xmlguard

MIB = 2**20
START = "2026-03-03T21:00:00+01:00"
PREP = "HKWorkoutActivityTypePreparationAndRecovery"
WORKOUT = (f'<Workout workoutActivityType="{PREP}" duration="1.5" durationUnit="min" '
           'startDate="2026-03-03 21:30:00 +0100" endDate="2026-03-03 21:31:30 +0100"')
LATER = WORKOUT.replace("21:3", "22:3")  # the same workout an hour later (not a duplicate)


def refused(call, path, match: str) -> str:
    with pytest.raises(IngestError, match=match) as caught:
        call()
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message
    return message


def identity(result) -> bool:
    r = result.report
    return (r.rows_read == r.rows_accepted + r.duplicates_dropped + r.rows_rejected
            and len(result.segments) == r.rows_accepted and len(result.rejects) == r.rows_rejected)


# --- XLSX ------------------------------------------------------------------------------------

def sheet_book(path, sheet_xml: str) -> None:
    """A minimal workbook whose one sheet is ``sheet_xml`` (the part's whole text)."""
    book = openpyxl.Workbook()
    book.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {i.filename: source.read(i) for i in source.infolist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def sheet_xml(rows: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>')


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_ROW = '<row r="1">' + "".join(text_cell(f"{c}1", n) for c, n in zip("ABC", ("subject_id", "start",
                                                                                  "duration_s"))) + "</row>"
DATA_ROW = f'<row r="2">{text_cell("A2", "s1")}{text_cell("B2", START)}<c r="C2"><v>60</v></c></row>'


def test_one_cell_at_xfd1048576_is_read_by_the_real_cells(tmp_path):
    # the workbook declares A1:XFD1048576; pandas made a dense 1,048,576 x 16,384 sheet of it
    path = tmp_path / "far.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["subject_id", "start", "duration_s"])
    sheet.append(["s1", START, 60])
    sheet["XFD1048576"] = "far"
    book.save(path)
    assert path.stat().st_size < 10_000
    raw = xlsxfile.read(path)
    assert raw.frame.columns.tolist() == ["subject_id", "start", "duration_s", "Unnamed: 16383"]
    assert raw.source_row.tolist() == [1, 1048575]
    result = load(path)
    assert identity(result) and result.report.rows_read == 2 and result.report.rows_accepted == 1
    assert result.rejects["source_row"].tolist() == [1048575]


def test_cells_are_read_as_pandas_reads_them(tmp_path):
    # the reader replaced pd.read_excel: names, types and rows must stay what pandas gave
    path = tmp_path / "types.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["a", None, "a", 17, 2.5, True, "NA", "x", "x"])
    sheet.append(["NA", "t", 60.0, 90.5, dt.datetime(2026, 3, 3, 21), dt.date(2026, 3, 4), dt.time(21, 30),
                  False, " "])
    sheet.append([None] * 9)
    sheet.append(["", 1, None, "nan", None, None, None, None, "=1/0"])
    book.save(path)
    expected = pd.read_excel(path, dtype=object, keep_default_na=False, na_values=[""]).dropna(how="all")
    raw = xlsxfile.read(path)
    assert raw.frame.columns.tolist() == expected.columns.tolist() == [
        "a", "Unnamed: 1", "a.1", 17, 2.5, True, "NA", "x", "x.1"]
    assert raw.source_row.tolist() == (expected.index + 1).tolist() == [1, 3]
    for got, want in zip(raw.frame.itertuples(index=False), expected.itertuples(index=False)):
        assert [(type(v), v) for v in got if v == v] == [(type(v), v) for v in want if v == v]
        assert [v != v for v in got] == [v != v for v in want]


def test_a_row_past_the_last_row_of_a_sheet_is_refused(tmp_path):
    path = tmp_path / "rows.xlsx"
    sheet_book(path, sheet_xml(HEADER_ROW + DATA_ROW + '<row r="2000000"><c r="A2000000"><v>1</v></c></row>'))
    refused(lambda: load(path), path, r"rows.xlsx: xl/worksheets/sheet1.xml: refused: row 2000000 is past "
                                      r"row 1048576")


def test_a_cell_past_the_last_column_of_a_sheet_is_refused(tmp_path):
    path = tmp_path / "columns.xlsx"
    sheet_book(path, sheet_xml(HEADER_ROW + DATA_ROW + '<row r="3"><c r="ZZZ3"><v>1</v></c></row>'))
    refused(lambda: load(path), path, r"columns.xlsx: refused: row 3 has a cell past column 16384 \(XFD\)")


def test_a_row_of_more_cells_than_a_sheet_has_columns_is_refused(tmp_path):
    # cells without a reference: openpyxl counts them along, holding the whole row in memory
    path = tmp_path / "wide.xlsx"
    sheet_book(path, sheet_xml(HEADER_ROW + '<row r="2">' + "<c><v>1</v></c>" * 20_000 + "</row>"))
    refused(lambda: load(path), path, r"wide.xlsx: xl/worksheets/sheet1.xml: refused: a row holds more than "
                                      r"16384 cells")


def test_the_cell_limits(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsxfile, "MAX_CELLS", 1000)
    many = tmp_path / "many.xlsx"
    sheet_book(many, sheet_xml(HEADER_ROW + "".join(f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>'
                                                    for i in range(2, 1000))))
    refused(lambda: load(many), many, r"many.xlsx: xl/worksheets/sheet1.xml: refused: more than 1000 cells")
    # a few cells far to the right: few cells, but rows spanning 2 x 16,384 from column A
    far = tmp_path / "far.xlsx"
    sheet_book(far, sheet_xml(HEADER_ROW + '<row r="2"><c r="XFD2"><v>1</v></c></row>'
                              '<row r="3"><c r="XFD3"><v>1</v></c></row>'))
    refused(lambda: load(far), far, r"far.xlsx: refused: its rows span more than 1000 cells")
    # a diagonal: 40 rows spanning 820 cells, but a table of 40 rows by 40 columns
    diagonal = tmp_path / "diagonal.xlsx"
    letters = [openpyxl.utils.get_column_letter(i) for i in range(1, 41)]
    sheet_book(diagonal, sheet_xml("".join(f'<row r="{i + 1}"><c r="{c}{i + 1}"><v>1</v></c></row>'
                                           for i, c in enumerate(letters))))
    refused(lambda: load(diagonal), diagonal, r"diagonal.xlsx: refused: its cells make a table of 39 rows by 40 "
                                              r"columns, more than 1000 cells")


def test_deep_xml_in_a_sheet_is_refused(tmp_path):
    path = tmp_path / "deep.xlsx"
    sheet_book(path, sheet_xml(HEADER_ROW + '<row r="2"><c r="A2">' + "<x>" * 100 + "</x>" * 100 + "</c></row>"))
    refused(lambda: load(path), path, r"deep.xlsx: xl/worksheets/sheet1.xml: refused: elements nest deeper "
                                      r"than 64 levels")


def test_a_long_attribute_in_a_sheet_is_refused(tmp_path):
    path = tmp_path / "long.xlsx"
    noise = os.urandom(3 * MIB // 2).hex()  # 3 MiB that compress little: no zip bomb
    sheet_book(path, sheet_xml(HEADER_ROW + f'<row r="2" note="{noise}">{DATA_ROW[11:]}'))
    refused(lambda: load(path), path, r"long.xlsx: xl/worksheets/sheet1.xml: refused: more than 2097152 bytes "
                                      r"of XML without a tag ending")


def test_a_number_that_is_not_finite_refuses_the_workbook_by_its_cell(tmp_path):
    path = tmp_path / "inf.xlsx"
    sheet_book(path, sheet_xml(HEADER_ROW + '<row r="2"><c r="A2"><v>1</v></c><c r="C2"><v>1e999</v></c></row>'))
    refused(lambda: load(path), path, r"inf.xlsx: not a readable XLSX workbook \(cell C2 holds the number inf")


# --- Apple Health ----------------------------------------------------------------------------

def export(tmp_path, body: str, name: str = "export.xml"):
    path = tmp_path / name
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_DE">\n{body}\n</HealthData>\n')
    return path


def test_a_workout_of_five_million_children_is_refused(tmp_path):
    path = export(tmp_path, WORKOUT + ">" + "<e/>" * 5_000_000 + "</Workout>")
    assert path.stat().st_size > 20_000_000
    refused(lambda: load(path), path, r"export.xml: refused: more than 100000 elements inside one <Workout>")


def test_children_within_the_limit_load_and_are_not_kept(tmp_path, monkeypatch):
    path = export(tmp_path, WORKOUT + ">" + '<WorkoutEvent type="pause"/>' * 1000 + "</Workout>\n"
                  + LATER + "/>")
    result = load(path)
    assert identity(result) and result.report.rows_accepted == 2
    monkeypatch.setattr(apple, "MAX_ENTRY_ELEMENTS", 999)
    refused(lambda: load(path), path, "more than 999 elements inside one <Workout>")


def test_two_million_nested_elements_are_refused(tmp_path):
    path = export(tmp_path, "<Record>" + "<a>" * 2_000_000 + "</a>" * 2_000_000 + "</Record>")
    refused(lambda: load(path), path, r"export.xml: refused: elements nest deeper than 64 levels \(<a> at depth 65\)")


def test_nesting_up_to_the_limit_loads(tmp_path):
    path = export(tmp_path, WORKOUT + ">" + "<a>" * 62 + "</a>" * 62 + "</Workout>")
    assert identity(result := load(path)) and result.report.rows_accepted == 1


def test_an_apple_zip_growing_143_times_into_one_wide_workout_is_refused(tmp_path):
    # 40 MiB of XML in a zip of under 300 kB (it grows about 150 times: within the cap of 200)
    rng = random.Random(14)
    events = "".join(f'<WorkoutEvent type="HKWorkoutEventTypeLap" date="2026-03-03 21:{rng.randrange(60):02d}:'
                     f'{rng.randrange(60):02d} +0100"/>' for _ in range(62))
    body = WORKOUT + ">" + events * (40 * MIB // len(events)) + "</Workout>"
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("apple_health_export/export.xml", f"<HealthData>{body}</HealthData>")
    with zipfile.ZipFile(path) as archive:
        info = archive.infolist()[0]
    assert 100 < info.file_size / info.compress_size < 200
    refused(lambda: load(path), path, r"export.zip: refused: more than 100000 elements inside one <Workout>")


@pytest.mark.parametrize("mib", [10, 40])
def test_a_long_attribute_is_refused(tmp_path, mib):
    path = export(tmp_path, WORKOUT + ' note="' + "x" * (mib * MIB) + '"/>')
    refused(lambda: load(path), path, r"export.xml: refused: more than 8388608 bytes of XML without a tag ending")


def test_a_long_attribute_under_the_limit_loads(tmp_path):
    path = export(tmp_path, WORKOUT + ' note="' + "x" * (5 * MIB) + '"/>\n' + LATER + "/>")
    result = load(path)
    assert identity(result) and result.report.rows_accepted == 2


def test_a_long_attribute_broken_by_closing_brackets_is_refused(tmp_path):
    # ">" may stand in an attribute: the length is measured from the last tag, not to a ">"
    path = export(tmp_path, WORKOUT + ' note="' + ("x" * 16_000 + ">") * 1000 + '"/>')
    refused(lambda: load(path), path, "more than 8388608 bytes of XML without a tag ending")


def test_a_long_comment_is_refused_and_long_text_is_read(tmp_path):
    comment = export(tmp_path, "<!--" + "x" * (10 * MIB) + "-->" + WORKOUT + "/>", "comment.xml")
    refused(lambda: load(comment), comment, "comment.xml: refused: more than 8388608 bytes")
    text = export(tmp_path, "<Record>" + "x" * (20 * MIB) + "</Record>" + WORKOUT + "/>", "text.xml")
    result = load(text)
    assert identity(result) and result.report.rows_accepted == 1
    assert result.report.passed_over == {"apple records": 1}


def test_the_token_cap_counts_from_where_the_last_tag_began():
    # 600 bytes after the last tag, fed in pieces of any size: refused at a cap of 500 ...
    long = [b'<a><b c="', *[b"x" * 100] * 6, b'"/></a>']
    with pytest.raises(IngestError, match="more than 500 bytes"):
        xmlguard.walk(long, xmlguard.Walker("t.xml"), max_token_bytes=500)
    # ... and 400 pass, however many tags come before them
    short = [b"<a>" + b"<b/>" * 1000 + b'<b c="', b"x" * 400, b'"/></a>']
    xmlguard.walk(short, xmlguard.Walker("t.xml"), max_token_bytes=500)


def test_an_xml_declaration_naming_an_unknown_encoding_is_refused_naming_the_file(tmp_path):
    # found by the fuzz suite: a damaged declaration ("TTF-8") made expat raise LookupError
    from rollstats.errors import RollstatsError

    path = tmp_path / "export.xml"
    path.write_bytes(b'<?xml version="1.0" encoding="TTF-8"?>\n<HealthData locale="en_US"></HealthData>\n')
    with pytest.raises(RollstatsError, match=r"export\.xml: .*TTF-8"):
        load(path)
