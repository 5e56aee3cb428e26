"""The DOCX/PDF reports are built once per content version and served again from their file;
a write that changes what they print builds them anew; permissions are checked every time."""

import io
import shutil

import docx
import pytest
from django.urls import reverse

from parindex.assessments import exports, services
from parindex.assessments.models import Answer, Assessment
from parindex.assessments.tests.test_services import user
from parindex.core.document_cache import cache_folder

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def assessment():
    return Assessment.objects.get(
        round__title__startswith="Tự đánh giá Chỉ số CCHC năm 2019", organization__code="dn-sct"
    )


@pytest.fixture
def builds(monkeypatch):
    """How many times each report was actually built (from an empty folder: the demo data is
    shared by every test, and so would be its reports)."""
    shutil.rmtree(cache_folder(exports.REPORTS), ignore_errors=True)
    counted = {"docx": 0, "pdf": 0}
    for kind, make in dict(exports.REPORT_MAKERS).items():

        def counting(*args, _kind=kind, _make=make):
            counted[_kind] += 1
            return _make(*args)

        monkeypatch.setitem(exports.REPORT_MAKERS, kind, counting)
    return counted


def url(assessment, kind):
    return reverse("assessments:assessment_export", args=[assessment.pk, kind])


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_an_unchanged_assessment_is_served_from_the_file_built_the_first_time(login_as, assessment, builds, kind):
    client = login_as("dn.vanphong")
    first = client.get(url(assessment, kind))
    second = client.get(url(assessment, kind))
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert first["Content-Disposition"] == second["Content-Disposition"]
    assert builds[kind] == 1


def test_a_write_that_changes_what_the_report_prints_builds_it_again(login_as, assessment, builds):
    client = login_as("dn.vanphong")
    client.get(url(assessment, "docx"))
    a = (
        Answer.objects.select_related("criterion", "assessment__round")
        .filter(assessment=assessment, criterion__scoring="self", self_points__isnull=False)
        .first()
    )
    services.answer_save(
        answer=a, raw_inputs=a.inputs, justification="Giải trình mới: báo cáo số 99", override_reason="x",
        expected_version=a.version, by=user("dn.vanphong"), today=a.assessment.round.opens_on,
    )  # fmt: skip
    rebuilt = client.get(url(assessment, "docx"))
    assert builds["docx"] == 2
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(rebuilt.content)).paragraphs)
    assert "Giải trình mới: báo cáo số 99" in text
    assert len(list(cache_folder(exports.REPORTS).glob(f"{assessment.pk}-*.docx"))) == 1  # the old file is gone


def test_a_change_made_around_the_services_is_printed_too(login_as, assessment, builds):
    client = login_as("dn.vanphong")
    client.get(url(assessment, "pdf"))
    Answer.objects.filter(assessment=assessment).update(justification="Sửa thẳng trong cơ sở dữ liệu")
    client.get(url(assessment, "pdf"))
    assert builds["pdf"] == 2


def test_a_kept_report_is_still_refused_to_other_departments(login_as, assessment, builds):
    login_as("dn.vanphong").get(url(assessment, "pdf"))
    for username in ("vanphong", "chuyenvien", "thamdinh"):
        assert login_as(username).get(url(assessment, "pdf")).status_code == 404
    assert builds["pdf"] == 1
