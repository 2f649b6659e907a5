"""A small least-recently-used cache, for what widgets and live figures keep between changes."""
from __future__ import annotations

from collections import OrderedDict


class LRU(OrderedDict):
    """A small least-recently-used cache (``maxsize`` entries).

    >>> cache = LRU(2)
    >>> for key, value in (("a", 1), ("b", 2), ("a", 1), ("c", 3)):
    ...     _ = cache.get(key) or cache.put(key, value)
    >>> list(cache)   # "b" was used least recently
    ['a', 'c']
    """

    def __init__(self, maxsize: int = 48):
        super().__init__()
        self.maxsize = maxsize

    def get(self, key, default=None):
        if key in self:
            self.move_to_end(key)
            return self[key]
        return default

    def put(self, key, value):
        """Keep ``value`` under ``key`` (forgetting the least recently used beyond ``maxsize``); return it."""
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.maxsize:
            self.popitem(last=False)
        return value
