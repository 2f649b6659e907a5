"""rollstats: adherence analytics for foam-rolling and massage-ball session logs."""
__version__ = "0.1.0"
