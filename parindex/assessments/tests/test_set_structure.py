"""The criteria set's structure is cached for every sheet (parindex.assessments.set_structure):
whatever changes the set shows on the next page a user opens, in the same process."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from parindex.assessments.models import Answer, Assessment
from parindex.assessments.set_structure import set_structure
from parindex.criteria import services as criteria_services
from parindex.criteria.models import AssignmentRole, Criterion, CriterionAssignment
from parindex.organizations.models import Organization

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def assessment():
    return Assessment.objects.select_related("round__criteria_set").get(
        round__title__startswith="Tự đánh giá Chỉ số CCHC năm 2019", organization__code="dn-sct"
    )


def _page(client, assessment) -> str:
    response = client.get(assessment.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_renamed_criterion_shows_on_the_next_assessment_page_and_what_if(login_as, assessment):
    client = login_as("dn.vanphong")
    criterion = Criterion.objects.get(criteria_set=assessment.round.criteria_set, code="1.1.2")
    assert "Tên mới của tiêu chí" not in _page(client, assessment)  # the structure is cached now
    criterion.title = "Tên mới của tiêu chí 1.1.2"
    criterion.save()
    assert "Tên mới của tiêu chí 1.1.2" in _page(client, assessment)
    answer = Answer.objects.get(assessment=assessment, criterion=criterion)
    Answer.objects.filter(pk=answer.pk).update(self_points=None)  # at risk: the what-if lists it
    what_if = client.get(reverse("assessments:what_if", args=[assessment.pk])).content.decode()
    assert "Tên mới của tiêu chí 1.1.2" in what_if


def test_a_score_change_shows_on_the_next_assessment_page_and_what_if(login_as, assessment):
    client = login_as("dn.vanphong")
    answer = Answer.objects.select_related("criterion").get(assessment=assessment, criterion__code="1.1.2")
    what_if_url = reverse("assessments:what_if", args=[assessment.pk])
    _page(client, assessment)
    before = _current_index(client.get(what_if_url).content.decode())
    saved = client.post(
        reverse("assessments:answer_save", args=[answer.pk]),
        {"a": "20", "b": "17", "version": answer.version, "justification": "BC số 5"},
    )
    assert saved.status_code == 200
    assert f'id="self-{answer.criterion_id}">2,55</td>' in _page(client, assessment)
    assert _current_index(client.get(what_if_url).content.decode()) != before


def _current_index(what_if: str) -> str:
    """The what-if's "current" index, as it prints it."""
    return re.search(r'Hiện tại</div><div class="fs-5 fw-semibold">([^<]+)</div>', what_if)[1]


def test_an_assignment_change_shows_on_the_next_page_of_the_unit(login_as, assessment):
    """A unit sees the criteria assigned to it: giving it one more, or taking one away, changes
    what its next page shows."""
    client = login_as("dn.truongphong")
    unit = Organization.objects.get(code="dn-sct-vp")
    criteria_set = assessment.round.criteria_set
    structure = set_structure(criteria_set)
    parents = {c.parent_id for c in structure.criteria}
    other = next(
        c for c in structure.criteria if c.pk not in parents and unit.pk not in structure.assignments.get(c.pk, {})
    )
    title = other.title[:40]
    assert title not in _page(client, assessment)
    criteria_services.assignment_set(criterion=other, organization=unit, role=AssignmentRole.LEAD, by=None)
    assert title in _page(client, assessment)
    criteria_services.assignment_set(criterion=other, organization=unit, role=None, by=None)
    assert title not in _page(client, assessment)


def test_the_structure_follows_every_kind_of_write(assessment):
    criteria_set = assessment.round.criteria_set
    first = set_structure(criteria_set)
    criterion = Criterion.objects.get(criteria_set=criteria_set, code="1.1.2")
    assert set_structure(criteria_set).criteria[0].title == first.criteria[0].title  # a hit is a copy

    criterion.max_points = Decimal(5)
    criterion.save()
    assert next(c for c in set_structure(criteria_set).criteria if c.pk == criterion.pk).max_points == 5

    leaf = Criterion.objects.create(
        criteria_set=criteria_set, parent=criterion.parent, code="1.1.9", position=criterion.position, level=3,
        title="Tiêu chí thêm",
    )  # fmt: skip
    assert leaf.pk in {c.pk for c in set_structure(criteria_set).criteria}
    unit = Organization.objects.get(code="dn-sct-vp")
    CriterionAssignment.objects.create(criterion=leaf, organization=unit, role=AssignmentRole.LEAD)
    assert set_structure(criteria_set).assignments[leaf.pk] == {unit.pk: AssignmentRole.LEAD}
    CriterionAssignment.objects.filter(criterion=leaf).delete()
    inherited = set_structure(criteria_set).assignments
    assert inherited[leaf.pk] == inherited[leaf.parent_id] != {unit.pk: AssignmentRole.LEAD}
    leaf.delete()
    assert leaf.pk not in {c.pk for c in set_structure(criteria_set).criteria}
