# Root conftest: the doctest run imports every module of the package, except the entry points
# that would run the command line on import.
collect_ignore_glob = ["rollstats/__main__.py", "rollstats/*/__main__.py"]
