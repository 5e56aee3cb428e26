from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from parindex.core.permissions import call_service, perm_required
from parindex.organizations import services
from parindex.organizations.access import access_for
from parindex.organizations.forms import (
    OrganizationCreateForm,
    OrganizationMergeForm,
    OrganizationRenameForm,
    OrganizationSplitForm,
)
from parindex.organizations.models import Organization, OrganizationKind
from parindex.organizations.permissions import Perm
from parindex.organizations.selectors import (
    MergeFootprint,
    merge_footprint,
    organization_edit_stamp,
    organization_history,
    organization_members,
    organization_version_in,
)


def _get_org_for(request, pk: int, perm: Perm) -> Organization:
    """Organizations outside the user's reach answer 404, not 403, so their existence does not leak."""
    access = access_for(request)
    if access.can(perm, pk):
        return get_object_or_404(Organization, pk=pk)
    if access.can(Perm.ORG_VIEW, pk):
        raise PermissionDenied
    raise Http404


@perm_required(Perm.ORG_VIEW)
def tree(request):
    access = access_for(request)
    rows = list(access.tree.walk(only=set(access.org_ids_with(Perm.ORG_VIEW))))
    manageable = access.org_ids_with(Perm.ORG_MANAGE)
    return render(
        request,
        "organizations/tree.html",
        {"rows": rows, "manageable": manageable, "can_create": bool(manageable)},
    )


@perm_required(Perm.ORG_VIEW)
def detail(request, pk: int):
    organization = _get_org_for(request, pk, Perm.ORG_VIEW)
    access = access_for(request)
    node = access.tree.nodes.get(organization.pk)
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "node": node,
            "ancestors": list(reversed(access.tree.ancestors(pk))) if node else [],
            "children": access.tree.children(pk) if node else [],
            "can_manage": access.can(Perm.ORG_MANAGE, pk),
            "members": organization_members(organization=organization),
            **organization_history(organization=organization),
        },
    )


@perm_required(Perm.ORG_MANAGE)
def create(request):
    access = access_for(request)
    manageable = access.org_ids_with(Perm.ORG_MANAGE)
    form = OrganizationCreateForm(
        request.POST or None,
        tree=access.tree,
        manageable=manageable,
        can_mark_body=access.is_superuser or access.administers_a_province,
        initial={"year": request.working_year, "kind": "unit", "parent": request.GET.get("parent")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parent = Organization.objects.filter(pk=data["parent"]).first() if data["parent"] else None
        if parent is None and not access.is_superuser:
            form.add_error("parent", "Hãy chọn đơn vị cấp trên thuộc phạm vi bạn quản trị.")
        else:
            created = call_service(
                form,
                lambda: services.organization_create(
                    code=data["code"],
                    kind=data["kind"],
                    name=data["name"],
                    short_name=data["short_name"],
                    parent=parent,
                    year=data["year"],
                    by=request.user,
                    note=data["note"],
                    is_appraising_body=data.get("is_appraising_body", False),
                    unit_type=data["unit_type"],
                ),
            )
            if created:
                messages.success(request, f"Đã thêm “{data['name']}” từ năm {data['year']}.")
                return redirect("organizations:detail", pk=created.pk)
    return render(request, "organizations/form.html", {"form": form, "title": "Thêm cơ quan, đơn vị"})


@perm_required(Perm.ORG_MANAGE)
def rename(request, pk: int):
    organization = _get_org_for(request, pk, Perm.ORG_MANAGE)
    access = access_for(request)
    node = access.tree.nodes[pk]
    form = OrganizationRenameForm(
        request.POST or None,
        tree=access.tree,
        manageable=access.org_ids_with(Perm.ORG_MANAGE) - access.tree.subtree_ids(pk),
        can_mark_body=node.kind == OrganizationKind.DEPARTMENT and access.is_province_admin_of(pk),
        is_unit=node.kind == OrganizationKind.UNIT,
        initial={
            "name": node.name,
            "short_name": node.short_name,
            "parent": node.parent_id,
            "year": request.working_year,
            "is_appraising_body": organization.is_appraising_body,
            "unit_type": organization.unit_type,
            "loaded_at": organization_edit_stamp(organization=organization),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parent = Organization.objects.filter(pk=data["parent"]).first() if data["parent"] else None
        done = call_service(
            form,
            lambda: services.organization_rename(
                organization=organization,
                year=data["year"],
                name=data["name"],
                short_name=data["short_name"],
                parent=parent,
                by=request.user,
                note=data["note"],
                is_appraising_body=data.get("is_appraising_body"),
                unit_type=data.get("unit_type"),
                loaded_at=data["loaded_at"],
            ),
        )
        if done:
            messages.success(request, f"Đã đổi tên / trực thuộc từ năm {data['year']}; các năm trước giữ nguyên.")
            return redirect("organizations:detail", pk=pk)
    return render(
        request,
        "organizations/form.html",
        {"form": form, "title": f"Đổi tên, chuyển trực thuộc: {node.name}", "organization": organization},
    )


@perm_required(Perm.ORG_MANAGE)
def merge(request, pk: int):
    """Two steps: the first POST checks the merge and shows what will move; only a second POST
    confirming that same target and year merges. Changing either shows a fresh preview."""
    organization = _get_org_for(request, pk, Perm.ORG_MANAGE)
    access = access_for(request)
    node = access.tree.nodes[pk]
    form = OrganizationMergeForm(
        request.POST or None,
        tree=access.tree,
        manageable=access.org_ids_with(Perm.ORG_MANAGE) - access.tree.subtree_ids(pk),
        initial={"year": request.working_year},
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = get_object_or_404(Organization, pk=data["target"])
        key = f"{target.pk}-{data['year']}"
        if request.POST.get("confirm") == key:
            moved = call_service(
                form,
                lambda: services.organization_merge(
                    source=organization, target=target, year=data["year"], by=request.user, note=data["note"]
                ),
            )
            if moved:
                messages.success(
                    request, _merge_message(node.name, _name_in(target, data["year"]), data["year"], moved)
                )
                return redirect("organizations:detail", pk=target.pk)
        elif call_service(
            form,
            lambda: services.organization_merge_check(
                source=organization, target=target, year=data["year"], by=request.user
            ),
        ):
            preview = {
                "key": key,
                "year": data["year"],
                "target_name": _name_in(target, data["year"]),
                "footprint": merge_footprint(source=organization, target=target, year=data["year"]),
            }
    return render(
        request,
        "organizations/merge.html",
        {
            "form": form,
            "title": f"Sáp nhập: {node.name}",
            "organization": organization,
            "organization_name": node.name,
            "preview": preview,
        },
    )


def _name_in(organization: Organization, year: int) -> str:
    version = organization_version_in(organization=organization, year=year)
    return version.name if version else organization.code


def _merge_message(source_name: str, target_name: str, year: int, moved: MergeFootprint) -> str:
    parts = [
        f"{moved.sub_units} đơn vị trực thuộc",
        f"{moved.memberships} phân quyền người dùng",
        f"{moved.task_units} nhiệm vụ kế hoạch chưa hoàn thành",
        f"{moved.criterion_assignments} phân công tiêu chí",
    ]
    return (
        f"Đã sáp nhập “{source_name}” vào “{target_name}” từ năm {year}. "
        f"Đã chuyển sang “{target_name}”: {', '.join(parts)}. Các năm trước giữ nguyên."
    )


@perm_required(Perm.ORG_MANAGE)
def split(request, pk: int):
    organization = _get_org_for(request, pk, Perm.ORG_MANAGE)
    node = access_for(request).tree.nodes[pk]
    form = OrganizationSplitForm(request.POST or None, initial={"year": request.working_year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = call_service(
            form,
            lambda: services.organization_split(
                source=organization,
                year=data["year"],
                code=data["code"],
                name=data["name"],
                short_name=data["short_name"],
                by=request.user,
                note=data["note"],
            ),
        )
        if created:
            messages.success(request, f"Đã tách “{data['name']}” từ “{node.name}” từ năm {data['year']}.")
            return redirect("organizations:detail", pk=created.pk)
    return render(
        request,
        "organizations/form.html",
        {"form": form, "title": f"Tách đơn vị mới từ: {node.name}", "organization": organization},
    )


@perm_required(Perm.APPRAISE)
def appraised(request):
    access = access_for(request)
    rows = list(access.tree.walk(only=set(access.org_ids_with(Perm.APPRAISE))))
    return render(request, "organizations/appraised.html", {"rows": rows})
