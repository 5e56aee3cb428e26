"""Issue 10, finding 1: a department admin took over role-less accounts, superusers included, and
a password change left no trace. Accounts now belong to the departments of their roles; superuser,
staff and role-less accounts to superusers only; every password set is audited; a password an
admin chose must be replaced at the next login."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from parindex.accounts import services
from parindex.accounts.models import User
from parindex.core.demo_data import DEMO_PASSWORD, USERS
from parindex.core.errors import ApplicationError
from parindex.core.working_year import current_year
from parindex.organizations.models import Membership, Organization

pytestmark = pytest.mark.usefixtures("demo")

TAKEOVER = "Chiem#Quyen2026"
NEW_OWN = "Rieng#Toi2026"


def edit_url(user: User) -> str:
    return reverse("accounts:user_edit", args=[user.pk])


def takeover_post(client, user: User):
    return client.post(
        edit_url(user),
        {"full_name": "Bị chiếm", "email": "", "phone": "", "is_active": "on", "password": TAKEOVER},
    )


def can_log_in(client, username: str, password: str) -> bool:
    client.logout()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and response.url == reverse("dashboard")


@pytest.fixture
def root(db):
    return User.objects.create_superuser(username="root", password=DEMO_PASSWORD, email="root@example.vn")


@pytest.fixture
def member_superuser(db):
    """A superuser who also holds an ordinary role in the admin's department."""
    user = User.objects.create_superuser(username="root.bp", password=DEMO_PASSWORD, email="")
    Membership.objects.create(user=user, organization=Organization.objects.get(code="bp-stnmt-tt"), role="staff")
    return user


@pytest.fixture
def shared(db):
    """A Đồng Nai official who also holds a role in a unit of Bình Phước's Sở TN&MT."""
    user = User.objects.get(username="dn.chuyenvien")
    Membership.objects.create(user=user, organization=Organization.objects.get(code="bp-stnmt-tt"), role="staff")
    return user


def test_admin_cannot_take_over_a_superuser_over_http(client, login_as, root):
    login_as("admin")
    assert takeover_post(client, root).status_code == 404
    root.refresh_from_db()
    assert root.check_password(DEMO_PASSWORD)
    assert not root.check_password(TAKEOVER)
    assert not can_log_in(client, "root", TAKEOVER)


def test_admin_cannot_take_over_a_superuser_who_holds_a_role_in_his_department(client, login_as, member_superuser):
    login_as("admin")
    assert client.get(edit_url(member_superuser)).status_code == 404
    assert takeover_post(client, member_superuser).status_code == 404
    member_superuser.refresh_from_db()
    assert member_superuser.check_password(DEMO_PASSWORD)
    assert not can_log_in(client, "root.bp", TAKEOVER)


def test_admin_cannot_take_over_a_role_less_account(client, login_as, outsider):
    login_as("admin")
    assert takeover_post(client, outsider).status_code == 404
    outsider.refresh_from_db()
    assert outsider.check_password(DEMO_PASSWORD)
    assert outsider.full_name == "Người ngoài"
    assert not can_log_in(client, "ngoai", TAKEOVER)


def test_admin_cannot_grant_himself_a_way_in_through_a_role_on_a_role_less_account(client, login_as, outsider):
    login_as("admin")
    url = reverse("accounts:membership_create", args=[outsider.pk])
    bp_tt = Organization.objects.get(code="bp-stnmt-tt").pk
    assert client.post(url, {"organization": bp_tt, "role": "staff"}).status_code == 404
    assert not outsider.memberships.exists()


def test_the_user_list_hides_role_less_and_superuser_accounts_from_a_department_admin(
    client, login_as, root, member_superuser, outsider
):
    body = login_as("admin").get(reverse("accounts:user_list")).content.decode()
    assert ">chuyenvien<" in body
    for hidden in ("root", "root.bp", "ngoai", "dn.chuyenvien", "thamdinh"):
        assert f">{hidden}<" not in body
    assert login_as("admin").get(reverse("accounts:user_list"), {"q": "root"}).content.decode().count(">root") == 0


def test_a_superuser_still_sees_and_manages_every_account(client, login_as, root, outsider):
    client.force_login(root)
    body = client.get(reverse("accounts:user_list"), {"q": "ngoai"}).content.decode()
    assert ">ngoai<" in body
    assert takeover_post(client, outsider).status_code == 302
    outsider.refresh_from_db()
    assert outsider.check_password(TAKEOVER)


def test_bp_admin_cannot_edit_a_dong_nai_user(client, login_as):
    dn_user = User.objects.get(username="dn.chuyenvien")
    login_as("admin")
    assert client.get(edit_url(dn_user)).status_code == 404
    assert takeover_post(client, dn_user).status_code == 404
    dn_user.refresh_from_db()
    assert dn_user.check_password(DEMO_PASSWORD)


def test_an_account_shared_with_another_department_is_read_only_but_its_local_roles_are_managed(
    client, login_as, shared
):
    login_as("admin")
    page = client.get(edit_url(shared))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="account-read-only"' in body
    assert "ngoài phạm vi quản lý của bạn" in body
    assert 'name="password"' not in body
    assert takeover_post(client, shared).status_code == 403
    shared.refresh_from_db()
    assert shared.check_password(DEMO_PASSWORD)
    assert shared.full_name == "Đặng Thị Ngọc"
    assert shared.is_active
    bp_vp = Organization.objects.get(code="bp-stnmt-vp")
    response = client.post(
        reverse("accounts:membership_create", args=[shared.pk]), {"organization": bp_vp.pk, "role": "staff"}
    )
    assert response.status_code == 302
    assert shared.memberships.filter(organization=bp_vp).exists()


def test_services_refuse_a_direct_call_for_an_account_outside_reach(root, outsider, shared):
    admin = User.objects.get(username="admin")
    year = current_year()
    fields = {"full_name": "X", "email": "", "phone": "", "is_active": True, "password": TAKEOVER}
    for target, error in [
        (root, services.ERR_USER_OUT_OF_REACH),
        (outsider, services.ERR_USER_OUT_OF_REACH),
        (User.objects.get(username="thamdinh"), services.ERR_USER_OUT_OF_REACH),
        (shared, services.ERR_ACCOUNT_SHARED.format(username=shared.username)),
    ]:
        with pytest.raises(ApplicationError) as refused:
            services.user_update(by=admin, year=year, user=target, **fields)
        assert refused.value.message == error
        with pytest.raises(ApplicationError) as refused:
            services.user_password_set(by=admin, year=year, user=target, password=TAKEOVER)
        assert refused.value.message == error
        target.refresh_from_db()
        assert not target.check_password(TAKEOVER)
    with pytest.raises(ApplicationError) as refused:
        services.user_password_set(
            by=User.objects.get(username="vanphong"),
            year=year,
            user=User.objects.get(username="chuyenvien"),
            password=TAKEOVER,
        )
    assert refused.value.message == services.ERR_NOT_USER_ADMIN


def test_services_create_an_account_only_with_a_first_role_in_the_admins_scope():
    admin = User.objects.get(username="admin")
    base = {"by": admin, "year": current_year(), "full_name": "Mới", "password": TAKEOVER, "role": "staff"}
    with pytest.raises(ApplicationError) as refused:
        services.user_create(username="moi1", organization=None, **base)
    assert refused.value.message == services.ERR_FIRST_ROLE_REQUIRED
    with pytest.raises(ApplicationError) as refused:
        services.user_create(username="moi2", organization=Organization.objects.get(code="dn-sct"), **base)
    assert refused.value.message == services.ERR_ROLE_OUT_OF_SCOPE
    assert not User.objects.filter(username__in=["moi1", "moi2"]).exists()


def test_creating_a_user_gives_the_first_role_in_the_same_step(client, login_as):
    login_as("admin")
    bp_tt = Organization.objects.get(code="bp-stnmt-tt")
    data = {"username": "moi", "full_name": "Người Mới", "password": TAKEOVER}
    response = client.post(reverse("accounts:user_create"), data)
    assert response.status_code == 200  # the role is required
    assert not User.objects.filter(username="moi").exists()
    dn = Organization.objects.get(code="dn-sct")
    assert (
        client.post(reverse("accounts:user_create"), {**data, "organization": dn.pk, "role": "staff"}).status_code
        == 200
    )
    assert not User.objects.filter(username="moi").exists()
    response = client.post(reverse("accounts:user_create"), {**data, "organization": bp_tt.pk, "role": "staff"})
    assert response.status_code == 302
    user = User.objects.get(username="moi")
    assert list(user.memberships.values_list("organization__code", "role")) == [("bp-stnmt-tt", "staff")]
    assert user.must_change_password
    assert not user.is_staff
    assert not user.is_superuser


def test_no_form_sets_staff_or_superuser(client, login_as, root):
    target = User.objects.get(username="chuyenvien")
    for actor in ("admin", "root"):
        client.force_login(User.objects.get(username=actor))
        client.post(
            edit_url(target),
            {"full_name": "Hoàng Văn Nam", "is_active": "on", "is_staff": "on", "is_superuser": "on"},
        )
        client.post(
            reverse("accounts:user_create"),
            {
                "username": f"moi.{actor}",
                "full_name": "Mới",
                "password": TAKEOVER,
                "organization": Organization.objects.get(code="bp-stnmt-tt").pk,
                "role": "staff",
                "is_staff": "on",
                "is_superuser": "on",
            },
        )
    assert not User.objects.filter(username__in=["chuyenvien", "moi.admin", "moi.root"], is_staff=True).exists()
    assert not User.objects.filter(username__in=["chuyenvien", "moi.admin", "moi.root"], is_superuser=True).exists()
    assert User.objects.filter(username__in=["moi.admin", "moi.root"]).count() == 2


def password_entries(user: User):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_pk=str(user.pk), changes__has_key="password"
    ).order_by("timestamp")


def test_a_password_reset_is_audited_without_the_value_and_shown_on_the_audit_page(client, login_as):
    target = User.objects.get(username="chuyenvien")
    login_as("admin")
    response = client.post(
        edit_url(target),
        {"full_name": target.full_name, "email": "", "phone": "", "is_active": "on", "password": TAKEOVER},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    (entry,) = password_entries(target)
    assert entry.actor.username == "admin"
    assert entry.changes_dict["password"][1] == services.AUDIT_PASSWORD_RESET
    stored = f"{entry.changes} {entry.serialized_data} {entry.additional_data}"
    assert TAKEOVER not in stored
    assert target.password not in stored
    audit_page = client.get(reverse("audit_log")).content.decode()
    assert services.AUDIT_PASSWORD_RESET in audit_page
    assert TAKEOVER not in audit_page
    assert target.password not in audit_page


def test_a_password_set_at_creation_is_audited(client, login_as):
    login_as("admin")
    bp_tt = Organization.objects.get(code="bp-stnmt-tt")
    client.post(
        reverse("accounts:user_create"),
        {"username": "moi", "full_name": "Người Mới", "password": TAKEOVER, "organization": bp_tt.pk, "role": "staff"},
    )
    (entry,) = password_entries(User.objects.get(username="moi"))
    assert entry.actor.username == "admin"
    assert entry.changes_dict["password"][1] == services.AUDIT_PASSWORD_CREATED
    assert TAKEOVER not in str(entry.changes)


def test_demo_users_are_not_forced_to_change_their_password():
    usernames = [username for username, _, _ in USERS]
    assert not User.objects.filter(username__in=usernames, must_change_password=True).exists()


def test_a_password_an_admin_set_must_be_changed_at_the_next_login(client, login_as):
    target = User.objects.get(username="chuyenvien")
    login_as("admin")
    client.post(edit_url(target), {"full_name": target.full_name, "is_active": "on", "password": TAKEOVER})
    change = reverse("accounts:password_change")

    assert can_log_in(client, "chuyenvien", TAKEOVER)
    for path in (reverse("dashboard"), reverse("plans:my_work"), reverse("notifications:list")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == change, path
    assert client.get(reverse("dashboard"), headers={"HX-Request": "true"})["HX-Redirect"] == change
    page = client.get(change)
    assert page.status_code == 200
    assert 'data-testid="must-change-password"' in page.content.decode()

    same = client.post(change, {"old_password": TAKEOVER, "new_password1": TAKEOVER, "new_password2": TAKEOVER})
    assert services.ERR_SAME_PASSWORD in same.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302

    done = client.post(change, {"old_password": TAKEOVER, "new_password1": NEW_OWN, "new_password2": NEW_OWN})
    assert done.status_code == 302
    assert done.url == reverse("accounts:password_change_done")
    assert client.get(reverse("dashboard")).status_code == 200
    target.refresh_from_db()
    assert not target.must_change_password
    assert [e.changes_dict["password"][1] for e in password_entries(target)] == [
        services.AUDIT_PASSWORD_RESET,
        services.AUDIT_PASSWORD_OWN,
    ]
    assert password_entries(target).last().actor == target


def test_logout_stays_open_to_a_user_who_must_change_his_password(client, login_as):
    target = User.objects.get(username="chuyenvien")
    login_as("admin")
    client.post(edit_url(target), {"full_name": target.full_name, "is_active": "on", "password": TAKEOVER})
    assert can_log_in(client, "chuyenvien", TAKEOVER)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url != reverse("accounts:password_change")
    assert client.get(reverse("dashboard")).url.startswith(reverse("login"))


def test_a_user_changes_his_own_password(client):
    assert can_log_in(client, "chuyenvien", DEMO_PASSWORD)
    body = client.get(reverse("dashboard")).content.decode()
    change = reverse("accounts:password_change")
    assert f'href="{change}"' in body  # linked from the navigation
    wrong = client.post(change, {"old_password": "sai", "new_password1": NEW_OWN, "new_password2": NEW_OWN})
    assert wrong.status_code == 200
    assert User.objects.get(username="chuyenvien").check_password(DEMO_PASSWORD)
    done = client.post(change, {"old_password": DEMO_PASSWORD, "new_password1": NEW_OWN, "new_password2": NEW_OWN})
    assert done.url == reverse("accounts:password_change_done")
    assert "Đã đổi mật khẩu" in client.get(done.url).content.decode()
    assert client.get(reverse("dashboard")).status_code == 200  # still logged in
    assert can_log_in(client, "chuyenvien", NEW_OWN)
    assert not can_log_in(client, "chuyenvien", DEMO_PASSWORD)
    (entry,) = password_entries(User.objects.get(username="chuyenvien"))
    assert entry.changes_dict["password"][1] == services.AUDIT_PASSWORD_OWN


def test_revoking_the_last_local_role_hands_the_account_back_to_superusers(client, login_as):
    target = User.objects.get(username="chuyenvien")
    login_as("admin")
    (membership,) = target.memberships.all()
    response = client.post(reverse("accounts:membership_delete", args=[target.pk, membership.pk]))
    assert response.url == reverse("accounts:user_list")
    assert client.get(edit_url(target)).status_code == 404
    assert takeover_post(client, target).status_code == 404
    target.refresh_from_db()
    assert target.check_password(DEMO_PASSWORD)
