"""Every role × every view: who gets the page, who is refused, and who is sent to log in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parindex.accounts.models import User
from parindex.core.demo_data import USER_BY_ROLE as PERSONAS
from parindex.organizations.models import Membership, Organization

ROLES = ["anonymous", "outsider", *PERSONAS]
OK, REDIRECT, FORBIDDEN, NOT_FOUND, LOGIN = 200, 302, 403, 404, "login"

ADMIN_ONLY = {"admin": OK}
ORG_VIEWERS = {"admin": OK, "coordinator": OK, "leader": OK}


def ids(code):
    return Organization.objects.get(code=code).pk


# (name, method, url builder, {role: expected}); roles not listed get FORBIDDEN, anonymous gets LOGIN.
VIEWS = [
    ("dashboard", "get", lambda: reverse("dashboard"), dict.fromkeys(["outsider", *PERSONAS], OK)),
    ("year_switch", "post", lambda: reverse("year_switch"), dict.fromkeys(["outsider", *PERSONAS], REDIRECT)),
    ("audit_log", "get", lambda: reverse("audit_log"), ADMIN_ONLY),
    ("org_tree", "get", lambda: reverse("organizations:tree"), ORG_VIEWERS),
    (
        "org_detail_own",
        "get",
        lambda: reverse("organizations:detail", args=[ids("bp-stnmt-tt")]),
        ORG_VIEWERS,
    ),
    (
        "org_detail_other_province",
        "get",
        lambda: reverse("organizations:detail", args=[ids("qb-stnmt")]),
        dict.fromkeys(["admin", "coordinator", "leader"], NOT_FOUND),
    ),
    ("org_create", "get", lambda: reverse("organizations:create"), ADMIN_ONLY),
    ("org_rename", "get", lambda: reverse("organizations:rename", args=[ids("bp-stnmt-tt")]), ADMIN_ONLY),
    ("org_merge", "get", lambda: reverse("organizations:merge", args=[ids("bp-stnmt-tt")]), ADMIN_ONLY),
    ("org_split", "get", lambda: reverse("organizations:split", args=[ids("bp-stnmt-tt")]), ADMIN_ONLY),
    (
        "org_rename_other_province",
        "get",
        lambda: reverse("organizations:rename", args=[ids("kh-stnmt-tt")]),
        {"admin": NOT_FOUND},
    ),
    ("appraised", "get", lambda: reverse("organizations:appraised"), {"appraiser": OK}),
    ("user_list", "get", lambda: reverse("accounts:user_list"), ADMIN_ONLY),
    ("user_create", "get", lambda: reverse("accounts:user_create"), ADMIN_ONLY),
    (
        "user_edit",
        "get",
        lambda: reverse("accounts:user_edit", args=[User.objects.get(username="chuyenvien").pk]),
        ADMIN_ONLY,
    ),
    (
        "user_edit_out_of_scope",
        "get",
        lambda: reverse("accounts:user_edit", args=[User.objects.get(username="thamdinh").pk]),
        {"admin": NOT_FOUND},
    ),
    (
        "membership_create",
        "post",
        lambda: reverse("accounts:membership_create", args=[User.objects.get(username="chuyenvien").pk]),
        {"admin": REDIRECT},
    ),
    (
        "membership_delete",
        "post",
        lambda: reverse(
            "accounts:membership_delete",
            args=[
                User.objects.get(username="chuyenvien").pk,
                Membership.objects.get(user__username="chuyenvien").pk,
            ],
        ),
        {"admin": REDIRECT},
    ),
    (
        "logout",
        "post",
        lambda: reverse("logout"),
        dict.fromkeys(["anonymous", "outsider", *PERSONAS], REDIRECT),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "url", "expected"), VIEWS, ids=[v[0] for v in VIEWS])
def test_it_gives_each_role_exactly_its_access(demo, outsider, client, role, name, method, url, expected):
    if role == "outsider":
        client.force_login(outsider)
    elif role != "anonymous":
        client.force_login(User.objects.get(username=PERSONAS[role]))
    want = expected.get(role, LOGIN if role == "anonymous" else FORBIDDEN)
    response = getattr(client, method)(url())
    if want == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == want, f"{role} → {name}"


def test_the_matrix_covers_every_named_url():
    from django.urls import get_resolver

    covered = {
        "dashboard", "year_switch", "audit_log", "organizations:tree", "organizations:detail",
        "organizations:create", "organizations:rename", "organizations:merge", "organizations:split",
        "organizations:appraised", "accounts:user_list", "accounts:user_create", "accounts:user_edit",
        "accounts:membership_create", "accounts:membership_delete", "logout", "login",
    }  # fmt: skip
    resolver = get_resolver()
    named = {k for k in resolver.reverse_dict if isinstance(k, str)}
    for namespace, (_, sub) in resolver.namespace_dict.items():
        if namespace != "admin":
            named |= {f"{namespace}:{k}" for k in sub.reverse_dict if isinstance(k, str)}
    assert named - covered == set()
