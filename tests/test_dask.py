"""The Dask engine gives the pandas engine's summary, frame for frame.

A local cluster of two in-process workers runs every test; the cohorts are generated and
small (about 50 subjects), the figures compared with ``pd.testing.assert_frame_equal``.
"""
from __future__ import annotations

import pandas as pd
import pytest

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import rollstats  # noqa: E402
from rollstats.datasets import generate_cohort  # noqa: E402
from rollstats.datasets.scale import write_cohort_parquet  # noqa: E402
from rollstats.engines import summarize_dask  # noqa: E402
from rollstats.io import canonicalise  # noqa: E402
from rollstats.program import Program  # noqa: E402

try:
    from corrected_exports import APRIL, MARCH
except ImportError:  # pragma: no cover
    from tests.corrected_exports import APRIL, MARCH


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            yield client


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """50 subjects over 60 nights, in 5 files of whole subjects."""
    folder = tmp_path_factory.mktemp("dataset")
    write_cohort_parquet(folder, n_subjects=50, n_nights=60, seed=7, subjects_per_part=10, workers=1)
    return folder


def test_dataset_on_dask_is_the_pandas_summary(client, dataset):
    expected = rollstats.summarize(rollstats.load(dataset).segments)
    got = summarize_dask(dataset, client=client)
    assert len(got) > 30
    pd.testing.assert_frame_equal(got, expected)


def test_until_and_another_program(client, dataset):
    program = Program.default().replace(progression={"mode": "single_night"}, daily={"minimum_s": 90})
    segments = rollstats.load(dataset).segments
    expected = rollstats.summarize(segments, program, until="2026-02-10")
    got = summarize_dask(dataset, program, until="2026-02-10", client=client)
    pd.testing.assert_frame_equal(got, expected)
    assert (got["last_night"] == pd.Timestamp("2026-02-10")).all()


def test_a_dask_dataframe_not_partitioned_by_subject_is_shuffled(client):
    segments = canonicalise(generate_cohort(n_subjects=40, n_nights=45, seed=3), "gen", Program.default()).segments
    shuffled = segments.sample(frac=1.0, random_state=1).reset_index(drop=True)
    with dask.config.set({"dataframe.convert-string": False}):
        ddf = dd.from_pandas(shuffled, npartitions=4, sort=False)
    got = summarize_dask(ddf, client=client)
    pd.testing.assert_frame_equal(got, rollstats.summarize(segments))


def _segments(rows):
    raw = pd.DataFrame(rows, columns=["subject_id", "start", "duration_s", "region", "activity"])
    return canonicalise(raw, "hand.csv", Program.default()).segments


def test_the_whole_table_decides_end_and_standalone(client, tmp_path):
    """a: rolls 1 and 2 Mar and strengthens on 9 Mar; b: rolls on 3 Mar only, in another file.

    b's observation ends on 9 Mar (the table's last night, found in a's file): 7 nights, 1
    compliant. The table logs strengthening (a's), so b's rolling-only week is standalone: true,
    where b's file alone could not say (NA).
    """
    a = _segments([("a", "2026-03-01T21:00+00:00", 90, "quads", "rolling"),
                   ("a", "2026-03-02T21:00+00:00", 90, "calves", "rolling"),
                   ("a", "2026-03-09T21:00+00:00", 300, "hip", "strengthening")])
    b = _segments([("b", "2026-03-03T21:00+00:00", 90, "quads", "rolling")])
    a.to_parquet(tmp_path / "part-0.parquet", index=False)
    b.to_parquet(tmp_path / "part-1.parquet", index=False)
    got = summarize_dask(tmp_path, client=client).set_index("subject_id")
    assert got.loc["b", "last_night"] == pd.Timestamp("2026-03-09")
    assert got.loc["b", "nights_observed"] == 7 and got.loc["b", "compliant_nights"] == 1
    standalone = got.loc["b", "flag_standalone"]
    assert standalone is not pd.NA and bool(standalone)
    pd.testing.assert_frame_equal(got.reset_index(), rollstats.summarize(pd.concat([a, b])))


def test_rows_repeated_across_files_count_once(client, tmp_path):
    a = _segments([("a", "2026-03-01T21:00+00:00", 40, "quads", "rolling"),
                   ("a", "2026-03-02T21:00+00:00", 40, "calves", "rolling")])
    a.to_parquet(tmp_path / "part-0.parquet", index=False)
    a.iloc[[1]].to_parquet(tmp_path / "part-1.parquet", index=False)  # an overlapping export
    got = summarize_dask(tmp_path, client=client)
    assert got["rolled_s"].tolist() == [80.0]
    pd.testing.assert_frame_equal(got, rollstats.summarize(rollstats.load(tmp_path).segments))


def test_a_cohort_store_on_dask_is_the_pandas_summary(client, tmp_path):
    from rollstats.store import append

    raw = generate_cohort(n_subjects=30, n_nights=40, seed=5)
    export = tmp_path / "export.csv"
    raw.to_csv(export, index=False)
    store = tmp_path / "store"
    append(store, rollstats.load(export))
    expected = rollstats.summarize(rollstats.load([store]).segments)
    got = summarize_dask(store, client=client)
    pd.testing.assert_frame_equal(got, expected)


def test_progress_counts_partitions(client, dataset):
    seen = []
    summarize_dask(dataset, client=client, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (5, 5) and [d for d, _ in seen] == [1, 2, 3, 4, 5]


def test_command_line_on_a_scheduler_address(client, dataset, capsys):
    from rollstats.cli import main

    assert main(["summary", str(dataset), "--format", "csv"]) == 0
    in_pandas = capsys.readouterr().out
    assert main(["summary", str(dataset), "--engine", "dask", "--scheduler",
                 client.scheduler.address, "--format", "csv"]) == 0
    on_dask = capsys.readouterr().out
    assert on_dask == in_pandas and on_dask.count("\n") > 30




def test_stores_and_datasets_on_dask_follow_the_rule_of_the_door(client, tmp_path, write_text):
    """Dask reads what the door lists, each row with its source: a later source's version wins."""
    from rollstats.store import append

    march, april = write_text("march.csv", MARCH), write_text("april.csv", APRIL)
    append(tmp_path / "march-store", rollstats.load(march))
    rollstats.load(april).segments.to_parquet(tmp_path / "april.parquet", index=False)
    given = [tmp_path / "march-store", tmp_path / "april.parquet"]
    got = summarize_dask(given, client=client)
    # s1: 60 + 80 + 70 = 210 s (50 s superseded, the repeated 60 s once); s2: 30 s
    assert got.set_index("subject_id")["rolled_s"].to_dict() == {"s1": 210.0, "s2": 30.0}
    pd.testing.assert_frame_equal(got, rollstats.summarize(rollstats.load(given).segments))
    # the other way round March's 50 s counts: 60 + 50 + 70 = 180 s, as the door reads it
    backwards = summarize_dask(given[::-1], client=client)
    assert backwards.set_index("subject_id")["rolled_s"].to_dict() == {"s1": 180.0, "s2": 30.0}
    pd.testing.assert_frame_equal(backwards, rollstats.summarize(rollstats.load(given[::-1]).segments))


def test_dask_refuses_exports_with_the_door_s_reason(client, tmp_path, write_text):
    from rollstats.errors import IngestError

    with pytest.raises(IngestError, match="an export.*ingest the exports first"):
        summarize_dask(write_text("march.csv", MARCH), client=client)


def test_a_sample_of_subjects_alone_gives_their_dask_rows_with_the_whole_table_s_end(client, dataset):
    """How benchmarks/dask_scale.py checks 100 M segments: some subjects' rows, summarised in
    pandas with the whole table's last night as ``until`` and its ``exercises_logged``, are
    their rows of the Dask summary; without ``until`` a subject who stopped early differs."""
    segments = rollstats.load(dataset).segments
    end = segments["night"].max()
    own_last = segments.groupby("subject_id")["night"].max()
    rolled = set(segments.loc[segments["activity"] == "rolling", "subject_id"])
    chosen = [s for s in own_last[own_last < end].index if s in rolled][:6]  # who stopped early
    assert len(chosen) == 6
    rows = segments[segments["subject_id"].isin(chosen)].reset_index(drop=True)
    on_dask = summarize_dask(dataset, client=client)
    got = on_dask[on_dask["subject_id"].isin(chosen)].reset_index(drop=True)
    expected = rollstats.summarize(rows, until=end, exercises_logged=True)
    assert len(got) == len(chosen)
    pd.testing.assert_frame_equal(got, expected)
    alone = rollstats.summarize(rows).set_index("subject_id")
    assert (alone["last_night"] < end).all()  # the sample's own end: not the table's
