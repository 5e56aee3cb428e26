"""Compiled rules kept between calls: compiling validates every parameter and costs far more
than scoring, and the product scores the same few hundred criteria over and over."""

from __future__ import annotations

import contextlib
import copy
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from decimal import Decimal
from typing import Any

from parindex.engine.rules import CompiledRule, compile_rule


class RuleCache:
    """A small LRU of compiled rules by a caller's key (a criterion's id and version).

    The key only finds the entry; the entry is used only while the rule and the maximum it was
    compiled from are still equal to the ones given, so a key that failed to change with the rule
    costs a recompilation, never a wrong score. Rules that fail to compile are not kept: the
    caller gets the RuleError every time, as from compile_rule()."""

    def __init__(self, maxsize: int = 4096) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[Hashable, tuple[Any, str, CompiledRule]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, rule: Mapping[str, Any] | None, max_points: Decimal | int | str) -> CompiledRule:
        entry = self._entries.get(key)
        if entry is not None and entry[0] == rule and entry[1] == str(max_points):
            self.hits += 1
            # Another thread may have evicted it meanwhile; the entry we hold is still right.
            with contextlib.suppress(KeyError):
                self._entries.move_to_end(key)
            return entry[2]
        self.misses += 1
        # Compiled from a copy: the compiled object keeps its parameters, and must not change
        # when the caller later edits the dict it passed.
        snapshot = copy.deepcopy(rule)
        compiled = compile_rule(snapshot, max_points)
        with self._lock:
            self._entries[key] = (snapshot, str(max_points), compiled)
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return compiled

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)


# One per process: what a criterion version compiles to is the same for every request.
RULES = RuleCache()
