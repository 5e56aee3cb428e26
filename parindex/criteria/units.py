"""Matching unit names as written in official documents to organizations of one year's tree."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from parindex.criteria.models import AssignmentRole
from parindex.organizations.models import OrganizationKind, UnitType
from parindex.organizations.tree import OrgTree, TreeNode

# Abbreviations offices write in assignment tables.
_ABBREVIATIONS = [(r"\bQ\.\s*Lý\b", "Quản lý"), (r"\bQL\b", "Quản lý"), (r"\bP\.\s*", "Phòng ")]
# "Các phòng, đơn vị (trực) thuộc Sở", "Các đơn vị trực thuộc (Sở)": every unit of the department.
ALL_UNITS_PREFIXES = ("cácphòngđơnvị", "cácđơnvịtrựcthuộc", "cácđơnvịthuộcsở")
# "Các đơn vị sự nghiệp trực thuộc": the units of one type.
TYPE_GROUP_PREFIXES = {
    "cácđơnvịsựnghiệp": UnitType.PUBLIC_SERVICE,
    "cácchicục": UnitType.BRANCH,
    "cácphòngchuyênmôn": UnitType.OFFICE,
}
ERR_NO_UNIT_OF_TYPE = (
    "chưa có đơn vị nào thuộc loại “{type}”: hãy chọn “Loại đơn vị” của các đơn vị ở trang Cơ cấu tổ chức"
)
MIN_SUFFIX_MATCH = 8
# "Bộ phận một cửa cấp tỉnh, cấp huyện": the department's own unit is the provincial one; the
# district desks are no unit of its tree.
_LEVELS = re.compile(r"(\s*,?\s*cấp\s+(tỉnh|huyện|xã))+\s*$", re.IGNORECASE)
# "Văn phòng Sở (Thiều Thị Nga)": a unit and the official answering for it.
_BRACKETED = re.compile(r"^(?P<unit>.+?)\s*\((?P<inside>[^()]+)\)\s*$")
# An abbreviation as offices coin them: capitals only ("CCBVM", "VPĐK", "TTQT TN&MT").
_ACRONYM = re.compile(r"[A-ZĐ][A-ZĐ0-9&.\- ]{2,}")


def name_key(text: str) -> str:
    for pattern, replacement in _ABBREVIATIONS:
        text = re.sub(pattern, replacement, text)
    text = unicodedata.normalize("NFC", text).casefold()
    return re.sub(r"[\s\-–—.,&()]+", "", text)


def initials(name: str) -> str:
    """ "Chi cục Bảo vệ môi trường" → "CCBVMT", the way offices abbreviate a unit's name."""
    return "".join(word[0] for word in re.findall(r"\w+", unicodedata.normalize("NFC", name))).upper()


def _looks_like_person(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 5 and all(w.isalpha() and w[0].isupper() and w[1:].islower() for w in words)


@dataclass(frozen=True)
class Resolution:
    org_ids: list[int]
    group: bool = False  # a group of units: a unit of it named on its own takes the role named there
    official: str = ""  # the person the source names in brackets after the unit
    reading: str = ""  # how a name that is not the unit's own was understood, for the import report


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
        """Organization ids the name stands for, or None when it matches nothing for sure or
        only as read() understands it (a caller with no way to say so asks the user instead)."""
        found = self.read(name)
        return found.org_ids if found and not (found.reading or found.official) else None

    def read(self, name: str) -> Resolution | None:
        """What the name stands for, or None when it matches nothing for sure."""
        found = self._read_plain(name)
        if found:
            return found
        bracketed = _BRACKETED.match(name)
        if bracketed and _looks_like_person(bracketed["inside"]):
            unit = self._read_plain(bracketed["unit"])
            if unit and not unit.group:
                return Resolution(unit.org_ids, official=bracketed["inside"].strip(), reading=unit.reading)
        unqualified = _LEVELS.sub("", name)
        if unqualified != name:
            unit = self._read_plain(unqualified)
            if unit:
                return Resolution(unit.org_ids, unit.group, reading=f"“{name}” là {self._names(unit.org_ids)}")
        return None

    def _read_plain(self, name: str) -> Resolution | None:
        key = name_key(name)
        if not key:
            return None
        for prefix, unit_type in TYPE_GROUP_PREFIXES.items():
            if key.startswith(prefix):
                members = sorted(node.org_id for node in self.units if node.unit_type == unit_type)
                return Resolution(members, group=True) if members else None
        if key.startswith(ALL_UNITS_PREFIXES):
            members = sorted(node.org_id for node in self.units)
            return Resolution(members, group=True) if members else None
        exact = self.keys.get(key)
        if exact and len(exact) == 1:
            return Resolution(sorted(exact))
        if len(key) >= MIN_SUFFIX_MATCH:
            suffixed = {org for known, orgs in self.keys.items() if known.endswith(key) for org in orgs}
            if len(suffixed) == 1:
                return Resolution(sorted(suffixed))
        return self._read_acronym(name)

    def hint(self, name: str) -> str:
        """Why a name read() left unresolved may resolve later, or ""."""
        key = name_key(name)
        for prefix, unit_type in TYPE_GROUP_PREFIXES.items():
            if key.startswith(prefix):
                return ERR_NO_UNIT_OF_TYPE.format(type=unit_type.label)
        return ""

    def _read_acronym(self, name: str) -> Resolution | None:
        """A shortened abbreviation ("CCBVM" for CCBVMT, "VPĐK" for VPĐKĐĐ) stands for the one
        unit whose abbreviation or initials begin with it; two such units: nothing for sure."""
        name = name.strip()
        if not _ACRONYM.fullmatch(name):
            return None
        key = name_key(name)
        matches = [
            node
            for node in self.units
            if any(
                known.startswith(key) for known in (name_key(node.short_name), name_key(initials(node.name))) if known
            )
        ]
        if len(matches) != 1:
            return None
        return Resolution([matches[0].org_id], reading=f"“{name}” là {_label(matches[0])}")

    def _names(self, org_ids: list[int]) -> str:
        return ", ".join(_label(self.tree.nodes[i]) for i in org_ids)


def _label(node: TreeNode) -> str:
    return f"{node.name} ({node.short_name})" if node.short_name else node.name


def roles_by_precedence(mentions: list[tuple[str, Resolution]]) -> dict[str, list[int]]:
    """Role → units, each unit once, from (role, resolution) in the source's order. A unit named
    on its own takes that role over the role of a group it belongs to ("Các phòng, đơn vị" lead,
    "Văn phòng Sở" coordinating: Văn phòng Sở coordinates); at equal footing lead wins."""
    chosen: dict[int, tuple[bool, bool, str]] = {}  # unit → (by group, as coordinating, role)
    for role, resolution in mentions:
        rank = (resolution.group, role != AssignmentRole.LEAD, role)
        for org_id in resolution.org_ids:
            if org_id not in chosen or rank < chosen[org_id]:
                chosen[org_id] = rank
    roles: dict[str, list[int]] = {AssignmentRole.LEAD: [], AssignmentRole.COORDINATING: []}
    for org_id, (_, _, role) in chosen.items():
        roles[role].append(org_id)
    return roles
