"""Who reaches which account, through the services (the pages are covered by
tests/security/test_sec_accounts.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parindex.accounts import services
from parindex.accounts.models import User
from parindex.accounts.selectors import user_account_manageable, user_list_in_scope
from parindex.core.demo_data import DEMO_PASSWORD
from parindex.core.errors import ApplicationError
from parindex.core.working_year import current_year
from parindex.organizations.access import access_for_user
from parindex.organizations.models import Membership, Organization

pytestmark = pytest.mark.usefixtures("demo")

NEW = "Mat#Khau2026"


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def member(username: str, *roles: tuple[str, str]) -> User:
    user = User.objects.create_user(username=username, password=DEMO_PASSWORD)
    for code, role in roles:
        Membership.objects.create(user=user, organization=org(code), role=role)
    return user


@pytest.fixture
def root(db):
    return User.objects.create_superuser(username="root", password=DEMO_PASSWORD, email="")


def test_a_superuser_may_create_an_account_without_a_role(root):
    user = services.user_create(
        by=root, year=current_year(), username="trong", full_name="Chưa phân quyền", password=NEW, organization=None
    )
    assert not user.memberships.exists()
    assert user.must_change_password


def test_a_failed_first_role_leaves_no_account_behind():
    admin = User.objects.get(username="admin")
    with pytest.raises(ApplicationError) as refused:
        services.user_create(
            by=admin,
            year=current_year(),
            username="moi",
            full_name="Mới",
            password=NEW,
            organization=org("bp-stnmt-tt"),
            role="chief",
        )
    assert refused.value.message == services.ERR_ROLE_UNKNOWN
    assert not User.objects.filter(username="moi").exists()


def test_a_province_admin_manages_an_account_shared_by_two_of_its_departments():
    province_admin = member("tinh.admin", ("bp", "admin"))
    shared = member("hai.so", ("bp-stnmt-tt", "staff"), ("bp-snv", "staff"))
    access = access_for_user(province_admin, current_year())
    assert user_account_manageable(access=access, user=shared)
    services.user_password_set(by=province_admin, year=current_year(), user=shared, password=NEW)
    shared.refresh_from_db()
    assert shared.check_password(NEW)
    assert shared.must_change_password


def test_a_unit_admin_does_not_reach_up_to_his_department_admin():
    unit_admin = member("tt.admin", ("bp-stnmt-tt", "admin"))
    boss = member("so.admin", ("bp-stnmt", "admin"), ("bp-stnmt-tt", "staff"))
    access = access_for_user(unit_admin, current_year())
    assert boss in user_list_in_scope(access=access)  # his role in the unit is the unit admin's business
    assert not user_account_manageable(access=access, user=boss)
    with pytest.raises(ApplicationError) as refused:
        services.user_password_set(by=unit_admin, year=current_year(), user=boss, password=NEW)
    assert refused.value.message == services.ERR_ACCOUNT_SHARED.format(username="so.admin")


def test_staff_accounts_are_left_to_superusers():
    staff = member("nhan.vien", ("bp-stnmt-tt", "staff"))
    staff.is_staff = True
    staff.save()
    access = access_for_user(User.objects.get(username="admin"), current_year())
    assert staff not in user_list_in_scope(access=access)


def test_an_admin_changing_his_own_password_is_not_forced_to_change_it_again(client, login_as):
    admin = User.objects.get(username="admin")
    services.user_password_set(by=admin, year=current_year(), user=admin, password=NEW)
    admin.refresh_from_db()
    assert not admin.must_change_password
    assert login_as("admin").get(reverse("dashboard")).status_code == 200


def test_static_files_stay_open_to_a_user_who_must_change_his_password(client):
    user = member("moi", ("bp-stnmt-tt", "staff"))
    user.must_change_password = True
    user.save()
    client.force_login(user)
    response = client.get("/static/css/app.css")
    assert response.status_code != 302
