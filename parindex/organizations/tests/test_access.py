import pytest

from parindex.accounts.models import User
from parindex.organizations.access import access_for_user
from parindex.organizations.models import Organization
from parindex.organizations.permissions import Perm

pytestmark = pytest.mark.usefixtures("demo")


def codes(access, ids):
    return {access.tree.nodes[i].code for i in ids}


def access(username, year=2024):
    return access_for_user(User.objects.get(username=username), year)


def test_it_lets_a_leader_see_the_whole_department_and_nothing_else():
    seen = codes(access("lanhdao"), access("lanhdao").visible_org_ids)
    assert "bp-stnmt" in seen
    assert "bp-stnmt-tt" in seen
    assert "bp-stnmt-vp" in seen
    assert not seen & {"bp", "bp-snv", "qb-stnmt", "dn-sct"}


def test_it_lets_unit_staff_see_only_their_unit():
    a = access("chuyenvien")
    assert codes(a, a.visible_org_ids) == {"bp-stnmt-tt"}
    assert not a.has(Perm.ORG_VIEW)


def test_it_lets_the_appraiser_see_the_departments_it_appraises_but_not_their_units():
    a = access("thamdinh")
    assert codes(a, a.org_ids_with(Perm.APPRAISE)) == {"bp-stnmt"}
    assert "bp-stnmt-tt" not in codes(a, a.visible_org_ids)
    assert "qb-stnmt" not in codes(a, a.visible_org_ids)


def test_it_limits_admin_rights_to_the_admins_own_subtree():
    a = access("admin")
    manageable = codes(a, a.org_ids_with(Perm.ORG_MANAGE))
    assert "bp-stnmt-ccqldd" in manageable
    assert not manageable & {"bp", "bp-snv", "kh-stnmt"}


def test_it_follows_the_tree_of_the_working_year():
    tt = Organization.objects.get(code="bp-stnmt-tt")
    vp = Organization.objects.get(code="bp-stnmt-vp")
    from parindex.organizations import services

    services.organization_merge(by=None, source=tt, target=vp, year=2026)
    assert tt.pk in access("chuyenvien", 2025).visible_org_ids
    assert tt.pk not in access("chuyenvien", 2026).visible_org_ids
    assert tt.pk not in access("lanhdao", 2026).visible_org_ids


def test_it_gives_a_user_without_memberships_nothing():
    a = access_for_user(User.objects.create_user(username="x", password="x"), 2024)
    assert not a.visible_org_ids
    assert not any(a.has(p) for p in Perm)


def test_it_gives_a_superuser_everything():
    a = access_for_user(User.objects.create_superuser(username="root", password="x"), 2024)
    assert a.has(Perm.ORG_MANAGE)
    assert len(a.visible_org_ids) == len(a.tree.nodes)
