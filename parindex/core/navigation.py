"""The main navigation. An entry shows only to users whose memberships grant its permission."""

from __future__ import annotations

from dataclasses import dataclass

from parindex.organizations.permissions import Perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    perm: Perm | tuple[Perm, ...] | None = None


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Tổng quan", "dashboard", "speedometer2"),
    NavItem("Việc của tôi", "plans:my_work", "check2-square", Perm.TASK_WORK),
    NavItem("Kế hoạch", "plans:plan_list", "calendar3", Perm.PLAN_VIEW),
    NavItem(
        "Tự đánh giá", "assessments:round_list", "clipboard-data", (Perm.ASSESS_VIEW, Perm.ASSESS_INPUT, Perm.APPRAISE)
    ),
    NavItem("Khảo sát", "surveys:campaign_list", "emoji-smile", Perm.SURVEY_VIEW),
    NavItem("Bộ tiêu chí", "criteria:set_list", "list-check", Perm.CRITERIA_VIEW),
    NavItem("Cơ cấu tổ chức", "organizations:tree", "diagram-3", Perm.ORG_VIEW),
    NavItem("Đơn vị thẩm định", "organizations:appraised", "clipboard-check", Perm.APPRAISE),
    NavItem("Người dùng", "accounts:user_list", "people", Perm.USER_MANAGE),
    NavItem("Nhật ký thay đổi", "audit_log", "journal-text", Perm.AUDIT_VIEW),
)


def nav_items_for(access) -> list[NavItem]:
    def allowed(item: NavItem) -> bool:
        if item.perm is None:
            return True
        perms = item.perm if isinstance(item.perm, tuple) else (item.perm,)
        return any(access.has(perm) for perm in perms)

    return [item for item in NAV_ITEMS if allowed(item)]
