"""Errors rollstats raises on purpose: each carries one line a person can act on."""


class RollstatsError(Exception):
    """Base class: the command line prints the message alone, without a traceback."""


class IngestError(RollstatsError):
    """A whole file cannot be read (missing, wrong format, no usable columns)."""
