from __future__ import annotations

from django.db.models import Q, QuerySet

from parindex.organizations.models import Membership, Organization, OrganizationChange, OrganizationVersion
from parindex.organizations.tree import OrgTree, TreeNode


def versions_valid_in(*, year: int) -> QuerySet[OrganizationVersion]:
    return OrganizationVersion.objects.filter(valid_from__lte=year).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=year)
    )


def organization_tree(*, year: int) -> OrgTree:
    rows = versions_valid_in(year=year).values_list(
        "organization_id",
        "organization__code",
        "organization__kind",
        "name",
        "short_name",
        "parent_id",
        "valid_from",
        "valid_until",
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


def organization_members(*, organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by("role", "user__full_name")


def organization_names(*, year: int, org_ids: set[int]) -> dict[int, str]:
    return dict(versions_valid_in(year=year).filter(organization_id__in=org_ids).values_list("organization_id", "name"))
