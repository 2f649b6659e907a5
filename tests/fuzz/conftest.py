"""The fuzz suite's option, its shared harness and its tally at the end of the run.

``--fuzz-examples N`` (or ``ROLLSTATS_FUZZ_EXAMPLES=N``) sets how many files the fuzz tests
generate in all; the option is known when ``tests/fuzz`` is named on the command line, the
environment variable always. See README.md in this folder.
"""
from __future__ import annotations

import pytest

import fuzzlib

_FUZZ: list[fuzzlib.Fuzz] = []


def pytest_addoption(parser):
    group = parser.getgroup("rollstats fuzz")
    group.addoption("--fuzz-examples", type=int, default=None, metavar="N",
                    help=f"files the fuzz tests generate in all (default {fuzzlib.DEFAULT_FILES}, "
                         "or ROLLSTATS_FUZZ_EXAMPLES)")
    group.addoption("--fuzz-workers", type=int, default=None, metavar="N",
                    help="worker processes that load the files (default: up to 2; 0 loads in the "
                         "test process; or ROLLSTATS_FUZZ_WORKERS)")


def pytest_configure(config):
    # runs before the test modules of this folder are imported, so their @settings see it
    try:
        examples = config.getoption("fuzz_examples")
        workers = config.getoption("fuzz_workers")
    except ValueError:  # the option is not registered (this conftest loaded late)
        examples = workers = None
    if examples is not None:
        fuzzlib.Budget.total = examples
    if workers is not None:
        fuzzlib.Budget.workers = workers


@pytest.fixture(scope="session")
def fuzz(tmp_path_factory):
    harness = fuzzlib.Fuzz(tmp_path_factory.mktemp("fuzz"), fuzzlib.Budget.workers)
    _FUZZ.append(harness)
    yield harness
    harness.close()


def pytest_terminal_summary(terminalreporter):
    for harness in _FUZZ:
        lines = harness.summary_lines()
        if lines:
            terminalreporter.write_sep("=", "rollstats fuzz: generated files per format")
            for line in lines:
                terminalreporter.write_line(line)
