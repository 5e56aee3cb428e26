"""A criteria set's structure as every score sheet reads it: its criteria in document order and
the units assigned to each. It is the same for the 45 departments of a round, and building it
(91 model instances, every assignment of the set) was half of an assessment page's time; so it is
kept in Django's cache under a stamp read from the data itself.

The stamp, one query, is what the rows are: how many criteria and assignments the set has, their
highest id and their latest write (as organizations' stamp is for the tree). Every save moves
`updated_at`, every insert moves the count or the highest id and every delete moves the count, so
whatever path writes the set, the next sheet reads a new key: a cached structure cannot outlive
the rows it was built from, in this process or (Redis) in another. A bulk UPDATE that leaves
`updated_at` alone would not move it: the writes of parindex.criteria.services all save, and a
data migration moves the stamp's last part, the latest applied migration."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

from parindex.assessments.services import effective_assignments
from parindex.criteria.models import CriteriaSet, Criterion, CriterionAssignment

# What the sheet, its page, exports and the remediation plan read of a criterion; the long texts
# (official rule text, evidence guidance, timing, notes) are for the answer panel, which loads its own.
SHEET_CRITERION_FIELDS = ("criteria_set_id", "parent_id", "code", "position", "level", "title", "max_points", "signed",
                          "scoring", "rule", "updated_at", "area")  # fmt: skip
TIMEOUT = 24 * 3600  # an entry nobody reads again (its stamp moved on) leaves the cache by itself


@dataclass
class SetStructure:
    criteria: list[Criterion]
    assignments: dict[int, dict[int, str]]  # criterion id → {unit id: role}, inherited from ancestors


def _stamp(criteria_set: CriteriaSet) -> str:
    criteria, assignments = Criterion._meta.db_table, CriterionAssignment._meta.db_table
    where = f"FROM {criteria} WHERE criteria_set_id = %s"
    joined = f"FROM {assignments} a JOIN {criteria} c ON c.id = a.criterion_id WHERE c.criteria_set_id = %s"
    parts = [f"(SELECT {what} {source})" for source, prefix in ((where, ""), (joined, "a."))
             for what in ("COUNT(*)", f"MAX({prefix}id)", f"MAX({prefix}updated_at)")]  # fmt: skip
    with connection.cursor() as cursor:
        # A data migration may rewrite criteria without moving updated_at: the last applied
        # migration is part of the stamp, so an upgrade never reads a structure cached before it.
        cursor.execute(
            f"SELECT {', '.join(parts)}, (SELECT MAX(id) FROM django_migrations)", [criteria_set.pk] * len(parts)
        )
        return "|".join(str(value) for value in cursor.fetchone())


def set_structure(criteria_set: CriteriaSet) -> SetStructure:
    """The set's criteria (the sheet's fields only) and assignments; each call gets its own copy
    (the cache unpickles), so a caller may annotate the instances."""
    stamp = f"{connection.alias}|{criteria_set.pk}|{criteria_set.created_at.isoformat()}|{_stamp(criteria_set)}"
    key = f"set-structure:{hashlib.sha256(stamp.encode()).hexdigest()}"  # a key any cache backend takes
    structure = cache.get(key)
    if structure is None:
        structure = SetStructure(
            criteria=list(criteria_set.criteria.order_by("position").only(*SHEET_CRITERION_FIELDS)),
            assignments=effective_assignments(criteria_set),
        )
        cache.set(key, structure, TIMEOUT)
    return structure
