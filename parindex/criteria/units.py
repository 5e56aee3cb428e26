"""Matching unit names as written in official documents to organizations of one year's tree."""

from __future__ import annotations

import re
import unicodedata

from parindex.organizations.models import OrganizationKind
from parindex.organizations.tree import OrgTree

# Abbreviations offices write in assignment tables.
_ABBREVIATIONS = [(r"\bQ\.\s*Lý\b", "Quản lý"), (r"\bQL\b", "Quản lý"), (r"\bP\.\s*", "Phòng ")]
# "Các phòng, đơn vị (trực) thuộc Sở", "Các đơn vị trực thuộc (Sở)": every unit of the department.
ALL_UNITS_PREFIXES = ("cácphòngđơnvị", "cácđơnvịtrựcthuộc", "cácđơnvịthuộcsở")
MIN_SUFFIX_MATCH = 8


def name_key(text: str) -> str:
    for pattern, replacement in _ABBREVIATIONS:
        text = re.sub(pattern, replacement, text)
    text = unicodedata.normalize("NFC", text).casefold()
    return re.sub(r"[\s\-–—.,&()]+", "", text)


class UnitResolver:
    """Resolves names within one organization's subtree in one year."""

    def __init__(self, tree: OrgTree, root_id: int | None) -> None:
        self.tree = tree
        ids = tree.subtree_ids(root_id) if root_id is not None else set()
        self.units = [tree.nodes[i] for i in ids if tree.nodes[i].kind == OrganizationKind.UNIT]
        self.keys: dict[str, set[int]] = {}
        for node in (tree.nodes[i] for i in ids):
            for text in (node.name, node.short_name):
                if text:
                    self.keys.setdefault(name_key(text), set()).add(node.org_id)

    def resolve(self, name: str) -> list[int] | None:
        """Organization ids the name stands for, or None when it matches nothing for sure."""
        key = name_key(name)
        if not key:
            return None
        if key.startswith(ALL_UNITS_PREFIXES):
            return sorted(node.org_id for node in self.units) or None
        exact = self.keys.get(key)
        if exact and len(exact) == 1:
            return sorted(exact)
        if len(key) >= MIN_SUFFIX_MATCH:
            suffixed = {org for known, orgs in self.keys.items() if known.endswith(key) for org in orgs}
            if len(suffixed) == 1:
                return sorted(suffixed)
        return None
