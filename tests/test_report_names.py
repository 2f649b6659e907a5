"""Patient report files: one name per subject, bounded in length, another subject's file never overwritten."""
from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from rollstats.io import load
from rollstats.views import report_file_name, review, subject_tables, write_patient_report

LONG = "P" + "x" * 249  # 250 characters: 250 bytes, more than a file name may hold
SUBJECTS = ["Müller", "Möller", "王伟", "李娜", "a/b", "a_b", "P1", "p1", LONG,
            "Mu\u0308ller"]  # the last: "Müller" with a combining diaeresis (NFD), another id
FAKE = {"calendar": b"\x89PNG fake"}  # no figures rendered: these tests are about files


@pytest.fixture(scope="module")
def segments(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "names.csv"
    pd.DataFrame({"subject_id": SUBJECTS, "start": "2026-03-03T21:00:00+01:00", "duration_s": 60,
                  "region": "quads"}).to_csv(path, index=False)
    result = load(path)
    assert sorted(result.segments["subject_id"]) == sorted(SUBJECTS)
    return result.segments


def view_of(segments, subject):
    return review(subject_tables(segments, subject))


def tag(subject: str) -> str:
    return hashlib.sha256(subject.encode("utf-8")).hexdigest()[:8]


def test_ids_that_read_alike_get_names_of_their_own():
    names = [report_file_name(s, "2026-03-03", "2026-03-03") for s in SUBJECTS]
    assert len(set(names)) == len(SUBJECTS)
    assert len({n.lower() for n in names}) == len(SUBJECTS)  # also where case is ignored
    assert names[0] == f"rollstats-review-Müller-{tag('Müller')}-2026-03-03-2026-03-03.html"
    assert names[2] == f"rollstats-review-王伟-{tag('王伟')}-2026-03-03-2026-03-03.html"
    assert names[4] == f"rollstats-review-a_b-{tag('a/b')}-2026-03-03-2026-03-03.html"
    assert names[5] == f"rollstats-review-a_b-{tag('a_b')}-2026-03-03-2026-03-03.html"
    # the long id: 60 bytes of it, then the tag: 17 + 60 + 1 + 8 + 22 + 5 = 113 bytes
    assert names[8] == f"rollstats-review-P{'x' * 59}-{tag(LONG)}-2026-03-03-2026-03-03.html"
    assert max(len(n.encode("utf-8")) for n in names) == 113
    # a cut never splits a character: 40 two-byte letters are 80 bytes, 30 of them kept
    assert report_file_name("é" * 40, "2026-03-03", "2026-03-03").startswith(f"rollstats-review-{'é' * 30}-")


def test_every_subject_gets_its_own_report_file(segments, tmp_path):
    paths = [write_patient_report(view_of(segments, s), tmp_path, FAKE) for s in SUBJECTS]
    assert len({p.name for p in tmp_path.iterdir()}) == len(SUBJECTS)
    for subject, path in zip(SUBJECTS, paths):
        assert f"Rolling review of {subject}</title>" in path.read_text(encoding="utf-8")


def test_another_subjects_file_or_a_foreign_file_is_never_overwritten(segments, tmp_path):
    mine = write_patient_report(view_of(segments, "a_b"), tmp_path, FAKE)
    again = write_patient_report(view_of(segments, "a_b"), tmp_path, FAKE)  # the same subject: replaced
    assert again == mine and len(list(tmp_path.iterdir())) == 1
    # another subject's report under that name (as if both ids had one tag): refused, left as it was
    other = write_patient_report(view_of(segments, "a/b"), tmp_path, FAKE)
    other.replace(mine)
    before = mine.read_bytes()
    with pytest.raises(FileExistsError, match="not a report of subject 'a_b'; not overwritten"):
        write_patient_report(view_of(segments, "a_b"), tmp_path, FAKE)
    assert mine.read_bytes() == before
    # a file rollstats did not write
    mine.write_text("a letter", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_patient_report(view_of(segments, "a_b"), tmp_path, FAKE)
    assert mine.read_text(encoding="utf-8") == "a letter"
