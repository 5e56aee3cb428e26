"""Who may do what on one assessment. Department roles reach the department's assessment;
unit roles reach it through their unit, for the criteria assigned to their unit; appraisers
reach the assessments of the departments they appraise."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from parindex.assessments.models import Assessment
from parindex.organizations.access import Access, access_for
from parindex.organizations.models import OrganizationKind
from parindex.organizations.permissions import Perm

# The largest id the database holds: a bigger one in a URL is a 404, not an overflow (a 500).
MAX_ID = 2**63 - 1


@dataclass
class AssessmentRights:
    see_all: bool = False  # every criterion (department roles, appraisers)
    input_units: set[int] = field(default_factory=set)  # units whose criteria the user fills
    submit_units: set[int] = field(default_factory=set)  # units the user submits as unit head
    compile: bool = False
    appraise: bool = False
    what_if: bool = False

    @property
    def any(self) -> bool:
        return self.see_all or bool(self.input_units)

    @property
    def input_all(self) -> bool:
        return self.compile  # the coordinator may fill any criterion of the department


def rights_for(access: Access, organization_id: int) -> AssessmentRights:
    rights = AssessmentRights()
    rights.see_all = access.can(Perm.ASSESS_VIEW, organization_id) or access.can(Perm.APPRAISE, organization_id)
    rights.compile = access.can(Perm.ASSESS_COMPILE, organization_id)
    rights.appraise = access.can(Perm.APPRAISE, organization_id)
    rights.what_if = access.can(Perm.ASSESS_WHATIF, organization_id)
    for perm, target in ((Perm.ASSESS_INPUT, rights.input_units), (Perm.ASSESS_UNIT_SUBMIT, rights.submit_units)):
        for unit_id in access.member_unit_ids(perm):
            department = access.tree.nearest(unit_id, OrganizationKind.DEPARTMENT)
            if department and department.org_id == organization_id and unit_id != organization_id:
                target.add(unit_id)
    if rights.input_all:
        rights.input_units |= {n.org_id for n in access.tree.children(organization_id)}
    return rights


def assessment_for(request, pk: int) -> tuple[Assessment, AssessmentRights]:
    if pk > MAX_ID:
        raise Http404
    assessment = Assessment.objects.select_related("round", "round__criteria_set", "organization").filter(pk=pk).first()
    if assessment is None:
        raise Http404
    rights = rights_for(access_for(request), assessment.organization_id)
    if not rights.any:
        raise Http404
    return assessment, rights


def visible_assessment_org_ids(access: Access) -> set[int]:
    orgs = set(access.org_ids_with(Perm.ASSESS_VIEW)) | set(access.org_ids_with(Perm.APPRAISE))
    for unit_id in access.member_unit_ids(Perm.ASSESS_INPUT):
        department = access.tree.nearest(unit_id, OrganizationKind.DEPARTMENT)
        if department:
            orgs.add(department.org_id)
    return orgs
