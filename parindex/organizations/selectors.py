from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Max, Q, QuerySet
from django.db.models.expressions import RawSQL

from parindex.criteria.models import CriterionAssignment
from parindex.organizations.models import Membership, Organization, OrganizationChange, OrganizationVersion
from parindex.organizations.tree import OrgTree, TreeNode
from parindex.plans.models import Occurrence, TaskUnit


def versions_valid_in(*, year: int) -> QuerySet[OrganizationVersion]:
    return OrganizationVersion.objects.filter(valid_from__lte=year).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=year)
    )


# Every page needs the year's tree (permissions, names, navigation); building it from ~500 rows
# took a third of a light page. Each process keeps the trees it built, and uses one only while
# the organizations' stamp (read from the database, so every worker sees a change) is unchanged.
_trees: dict[int, tuple[str, OrgTree]] = {}


def _stamp_sql() -> str:
    """One text value that changes with any organization or yearly version written or deleted."""
    versions, organizations = OrganizationVersion._meta.db_table, Organization._meta.db_table
    parts = [
        f"(SELECT COUNT(*) FROM {versions})",
        f"(SELECT MAX(id) FROM {versions})",
        f"(SELECT MAX(updated_at) FROM {versions})",
        f"(SELECT COUNT(*) FROM {organizations})",
        f"(SELECT MAX(updated_at) FROM {organizations})",
    ]
    return " || '|' || ".join(f"COALESCE(CAST({part} AS TEXT), '')" for part in parts)


def organizations_stamp_expression() -> RawSQL:
    """The stamp as a column, so a query already made (a user's memberships) can bring it along."""
    return RawSQL(_stamp_sql(), [])


def _organizations_stamp() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_stamp_sql()}")
        return cursor.fetchone()[0]


def organization_tree(*, year: int, stamp: str | None = None) -> OrgTree:
    """`stamp`: the organizations' stamp when the caller has just read it (one query less)."""
    stamp = stamp if stamp is not None else _organizations_stamp()
    cached = _trees.get(year)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    tree = _build_tree(year)
    _trees[year] = (stamp, tree)
    return tree


def _build_tree(year: int) -> OrgTree:
    rows = versions_valid_in(year=year).values_list(
        "organization_id",
        "organization__code",
        "organization__kind",
        "name",
        "short_name",
        "parent_id",
        "valid_from",
        "valid_until",
        "organization__is_appraising_body",
        "organization__unit_type",
    )
    return OrgTree(year, (TreeNode(*row) for row in rows))


def organization_version_in(*, organization: Organization, year: int) -> OrganizationVersion | None:
    return versions_valid_in(year=year).filter(organization=organization).first()


def organization_history(*, organization: Organization) -> dict:
    return {
        "versions": list(organization.versions.select_related("parent").order_by("valid_from")),
        "changes": list(
            OrganizationChange.objects.filter(Q(organization=organization) | Q(related=organization))
            .select_related("organization", "related", "by")
            .order_by("year", "created_at")
        ),
    }


def organization_edit_stamp(*, organization: Organization) -> str:
    """The rename form's version check: the newest change to the organization or any of its
    yearly versions (a rename writes versions, the appraising-body mark the organization)."""
    own = Organization.objects.filter(pk=organization.pk).values_list("updated_at", flat=True).first()
    versions = organization.versions.aggregate(latest=Max("updated_at"))["latest"]
    stamps = [stamp for stamp in (own, versions) if stamp]
    return max(stamps).isoformat() if stamps else ""


def organization_members(*, organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by("role", "user__full_name")


def organization_names(*, year: int, org_ids: set[int]) -> dict[int, str]:
    return dict(versions_valid_in(year=year).filter(organization_id__in=org_ids).values_list("organization_id", "name"))


@dataclass(frozen=True)
class MergeFootprint:
    """What a merge hands over to the absorbing unit: shown before it happens and reported after."""

    sub_units: int = 0
    memberships: int = 0
    task_units: int = 0
    criterion_assignments: int = 0


def merge_memberships(*, source: Organization, target: Organization) -> QuerySet[Membership]:
    """Memberships of `source` to repeat at `target`: people already holding a role at `target`
    get nothing more, so a merge never leaves one person with two roles in the same unit."""
    already = Membership.objects.filter(organization=target).values("user_id")
    return Membership.objects.filter(organization=source).exclude(user_id__in=already).select_related("user")


def merge_task_units(*, source: Organization, year: int) -> QuerySet[TaskUnit]:
    """The unit's assignments to tasks of plans from `year` on that are still open: some occurrence
    not done yet, or no occurrence at all. Finished tasks stay with the unit that did them."""
    occurrences = Occurrence.objects.filter(task__plan__year__gte=year, task__units__organization=source)
    return (
        TaskUnit.objects.filter(organization=source, task__plan__year__gte=year)
        .filter(
            Q(task_id__in=occurrences.filter(done_on__isnull=True).values("task_id"))
            | ~Q(task_id__in=occurrences.values("task_id"))
        )
        .select_related("task__plan")
    )


def merge_criterion_assignments(*, source: Organization, year: int) -> QuerySet[CriterionAssignment]:
    """The unit's assignments in criteria sets of `year` and later."""
    return CriterionAssignment.objects.filter(organization=source, criterion__criteria_set__year__gte=year)


def merge_footprint(*, source: Organization, target: Organization, year: int) -> MergeFootprint:
    tree = organization_tree(year=year)
    return MergeFootprint(
        sub_units=len(tree.children(source.pk)) if source.pk in tree else 0,
        memberships=merge_memberships(source=source, target=target).count(),
        task_units=merge_task_units(source=source, year=year).count(),
        criterion_assignments=merge_criterion_assignments(source=source, year=year).count(),
    )
