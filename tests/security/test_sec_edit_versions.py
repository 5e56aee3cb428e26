"""Finding 9: every edit form is version-checked. Task edits carry Task.version
(test_sec_plan_concurrency), the survey campaign and template forms and these two carry the
row's updated_at as shown (core.versioning): a second person saving an old form is told, and
the first person's change stays."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from parindex.accounts.models import User
from parindex.core.versioning import ERR_EDITED_MEANWHILE
from parindex.organizations.models import Organization
from parindex.organizations.selectors import organization_tree
from parindex.surveys.models import Campaign, SurveyTemplate

pytestmark = pytest.mark.usefixtures("demo")


def stamp_of(page) -> str:
    return re.search(r'name="loaded_at" value="([^"]+)"', page.content.decode()).group(1)


def test_a_second_admin_saving_an_old_user_form_does_not_overwrite_the_first(client):
    subject = User.objects.get(username="chuyenvien")
    url = reverse("accounts:user_edit", args=[subject.pk])
    client.force_login(User.objects.get(username="admin"))
    form = {"email": "", "phone": "", "is_active": "on", "loaded_at": stamp_of(client.get(url))}
    assert client.post(url, {**form, "full_name": "Hoàng Văn Nam (đã sửa)"}).status_code == 302
    second = client.post(url, {**form, "full_name": "Tên từ trang cũ"})
    assert second.status_code == 200
    assert ERR_EDITED_MEANWHILE in second.content.decode()
    subject.refresh_from_db()
    assert subject.full_name == "Hoàng Văn Nam (đã sửa)"


def test_a_second_admin_saving_an_old_rename_form_does_not_overwrite_the_first(client):
    unit = Organization.objects.get(code="bp-stnmt-tt")
    url = reverse("organizations:rename", args=[unit.pk])
    client.force_login(User.objects.get(username="admin"))
    page = client.get(url)
    year = page.context["form"].initial["year"]
    form = {"short_name": "", "parent": Organization.objects.get(code="bp-stnmt").pk, "year": year, "note": ""}
    form["loaded_at"] = stamp_of(page)
    assert client.post(url, {**form, "name": "Thanh tra Sở (đổi lần một)"}).status_code == 302
    second = client.post(url, {**form, "name": "Tên từ trang cũ"})
    assert second.status_code == 200
    assert ERR_EDITED_MEANWHILE in second.content.decode()
    assert organization_tree(year=year).name_of(unit.pk) == "Thanh tra Sở (đổi lần một)"


def test_a_second_manager_saving_an_old_campaign_form_does_not_overwrite_the_first(client):
    campaign = Campaign.objects.filter(organization__code="bp-stnmt").order_by("starts_on").last()
    url = reverse("surveys:campaign_edit", args=[campaign.pk])
    client.force_login(User.objects.get(username="vanphong"))
    stamp = stamp_of(client.get(url))
    form = {"ends_on": campaign.ends_on.strftime("%d/%m/%Y"), "target": "87", "min_n": "5", "loaded_at": stamp}
    assert client.post(url, {**form, "title": "Bản của người thứ nhất"}).status_code == 302
    second = client.post(url, {**form, "title": "Bản cũ của người thứ hai"})
    assert second.status_code == 200
    assert ERR_EDITED_MEANWHILE in second.content.decode()
    campaign.refresh_from_db()
    assert campaign.title == "Bản của người thứ nhất"


def test_a_second_manager_saving_an_old_template_form_does_not_overwrite_the_first(client):
    owner = Organization.objects.get(code="bp-stnmt")
    template = SurveyTemplate.objects.create(owner=owner, name="Mẫu của Sở", elements=["access", "staff"])
    url = reverse("surveys:template_edit", args=[template.pk])
    client.force_login(User.objects.get(username="vanphong"))
    stamp = stamp_of(client.get(url))
    form = {"elements": ["access", "staff"], "perceptions": "", "improvements": "", "loaded_at": stamp}
    assert client.post(url, {**form, "name": "Mẫu đã sửa lần một"}).status_code == 302
    second = client.post(url, {**form, "name": "Mẫu sửa từ trang cũ"})
    assert second.status_code == 200
    assert ERR_EDITED_MEANWHILE in second.content.decode()
    template.refresh_from_db()
    assert template.name == "Mẫu đã sửa lần một"
