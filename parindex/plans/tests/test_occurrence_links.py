"""The task page links only to pages its reader may open, and says who must do the work."""

import pytest
from django.urls import reverse

from parindex.plans.models import Occurrence

pytestmark = pytest.mark.usefixtures("demo")


def an_occurrence_of(unit_code: str) -> Occurrence:
    return Occurrence.objects.filter(
        task__units__organization__code=unit_code, task__units__role="lead", review=False
    ).first()


@pytest.mark.parametrize("user", ["truongphong", "chuyenvien", "lanhdao", "vanphong", "admin"])
def test_every_link_on_the_task_page_opens_for_its_reader(login_as, user):
    client = login_as(user)
    occurrence = an_occurrence_of("bp-stnmt-tt")
    page = client.get(reverse("plans:occurrence_detail", args=[occurrence.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for url in (reverse("plans:my_work"), occurrence.task.plan.get_absolute_url()):
        if f'href="{url}"' in html:
            assert client.get(url).status_code == 200, (user, url)
    assert "Chủ trì:</strong> Phòng Thanh tra" in html
