from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from parindex.accounts import services
from parindex.accounts.forms import LoginForm, MembershipForm, OwnPasswordChangeForm, UserCreateForm, UserEditForm
from parindex.accounts.selectors import user_account_manageable, user_in_scope, user_list_in_scope
from parindex.core.permissions import call_service, perm_required
from parindex.core.versioning import edit_stamp
from parindex.organizations.access import access_for
from parindex.organizations.models import Membership, Organization
from parindex.organizations.permissions import Perm
from parindex.organizations.services import membership_add, membership_remove

MSG_LOCKED_OUT = (
    "Bạn đã nhập sai mật khẩu quá {limit} lần. Vì an toàn, việc đăng nhập bằng tài khoản này "
    "từ máy của bạn bị tạm khóa {minutes} phút. Hãy thử lại sau hoặc liên hệ quản trị hệ thống."
)

MSG_LAST_ROLE_REVOKED = (
    "Đã thu hồi vai trò. Tài khoản “{username}” không còn vai trò nào trong phạm vi quản lý của bạn nên "
    "không còn trong danh sách người dùng của bạn."
)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def locked_out(request, credentials=None, *args, **kwargs):
    message = MSG_LOCKED_OUT.format(
        limit=settings.AXES_FAILURE_LIMIT, minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    )
    form = LoginForm(request, data=None, initial={"username": (credentials or {}).get("username", "")})
    return render(request, "accounts/login.html", {"form": form, "locked_out": message}, status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = OwnPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        # Not form.save(): the service also audits the change and lifts the must-change flag.
        user = call_service(
            form,
            lambda: services.user_password_set(
                by=self.request.user,
                year=self.request.working_year,
                user=form.user,
                password=form.cleaned_data["new_password1"],
            ),
        )
        if user is None:
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)
        return HttpResponseRedirect(self.get_success_url())


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


def _user_for(request, pk: int):
    user = user_in_scope(access=access_for(request), pk=pk)
    if user is None:
        raise Http404
    return user


@perm_required(Perm.USER_MANAGE)
def user_list(request):
    search = request.GET.get("q", "").strip()
    users = user_list_in_scope(access=access_for(request), search=search)
    page = Paginator(users, 30).get_page(request.GET.get("trang"))
    return render(request, "accounts/user_list.html", {"page": page, "search": search})


@perm_required(Perm.USER_MANAGE)
def user_create(request):
    access = access_for(request)
    form = UserCreateForm(request.POST or None, tree=access.tree, org_ids=access.org_ids_with(Perm.USER_MANAGE))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organization = get_object_or_404(Organization, pk=data.pop("organization"))
        user = call_service(
            form,
            lambda: services.user_create(by=request.user, year=request.working_year, organization=organization, **data),
        )
        if user:
            messages.success(
                request,
                f"Đã tạo tài khoản “{user.username}” với vai trò đã chọn. "
                "Người dùng sẽ phải đổi mật khẩu ở lần đăng nhập đầu tiên.",
            )
            return redirect("accounts:user_edit", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": "Thêm người dùng"})


@perm_required(Perm.USER_MANAGE)
def user_edit(request, pk: int):
    user = _user_for(request, pk)
    access = access_for(request)
    scope = access.org_ids_with(Perm.USER_MANAGE)
    manageable = user_account_manageable(access=access, user=user)
    if request.method == "POST" and not manageable:
        raise PermissionDenied(services.ERR_ACCOUNT_SHARED.format(username=user.username))
    form = UserEditForm(
        request.POST or None,
        initial={
            "full_name": user.full_name,
            "email": user.email,
            "phone": user.phone,
            "is_active": user.is_active,
            "loaded_at": edit_stamp(user),
        },
    )
    saved = (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form,
            lambda: services.user_update(by=request.user, year=request.working_year, user=user, **form.cleaned_data),
        )
    )
    if saved:
        messages.success(request, "Đã lưu thông tin người dùng.")
        return redirect("accounts:user_edit", pk=pk)
    memberships = user.memberships.select_related("organization").order_by("organization__code")
    names = {node.org_id: node.name for node in access.tree.nodes.values()}
    return render(
        request,
        "accounts/user_edit.html",
        {
            "subject": user,
            "form": form if manageable else None,
            "shared_message": None if manageable else services.ERR_ACCOUNT_SHARED.format(username=user.username),
            "membership_form": MembershipForm(tree=access.tree, org_ids=scope),
            "memberships": [
                (m, names.get(m.organization_id, m.organization.code), m.organization_id in scope) for m in memberships
            ],
        },
    )


@require_POST
@perm_required(Perm.USER_MANAGE)
def membership_create(request, pk: int):
    user = _user_for(request, pk)
    access = access_for(request)
    form = MembershipForm(request.POST, tree=access.tree, org_ids=access.org_ids_with(Perm.USER_MANAGE))
    if form.is_valid():
        organization = get_object_or_404(Organization, pk=form.cleaned_data["organization"])
        if call_service(
            form,
            lambda: membership_add(
                user=user,
                organization=organization,
                role=form.cleaned_data["role"],
                by=request.user,
                year=request.working_year,
            ),
        ):
            messages.success(request, "Đã thêm vai trò.")
            return redirect("accounts:user_edit", pk=pk)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("accounts:user_edit", pk=pk)


@require_POST
@perm_required(Perm.USER_MANAGE)
def membership_delete(request, pk: int, membership_pk: int):
    user = _user_for(request, pk)
    scope = access_for(request).org_ids_with(Perm.USER_MANAGE)
    membership = get_object_or_404(Membership, pk=membership_pk, user=user, organization_id__in=scope)
    membership_remove(membership=membership, by=request.user, year=request.working_year)
    if user_in_scope(access=access_for(request), pk=pk) is None:
        # His last role here is gone: the account is no longer this admin's to open.
        messages.success(request, MSG_LAST_ROLE_REVOKED.format(username=user.username))
        return redirect("accounts:user_list")
    messages.success(request, "Đã thu hồi vai trò.")
    return redirect("accounts:user_edit", pk=pk)
