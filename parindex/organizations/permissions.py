"""Roles and what they allow. A role is held in one organization (a membership) and its
permissions reach that organization and everything under it in the tree."""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị hệ thống"
    COORDINATOR = "coordinator", "Đầu mối CCHC (Văn phòng Sở)"
    LEADER = "leader", "Lãnh đạo"
    UNIT_HEAD = "unit_head", "Trưởng đơn vị"
    STAFF = "staff", "Chuyên viên"
    APPRAISER = "appraiser", "Thẩm định (Sở Nội vụ)"


class Perm(StrEnum):
    ORG_VIEW = "org.view"
    ORG_MANAGE = "org.manage"
    USER_MANAGE = "user.manage"
    AUDIT_VIEW = "audit.view"
    APPRAISE = "appraise"
    CRITERIA_VIEW = "criteria.view"
    CRITERIA_MANAGE = "criteria.manage"
    CRITERIA_ASSIGN = "criteria.assign"
    PLAN_VIEW = "plan.view"
    PLAN_MANAGE = "plan.manage"
    TASK_WORK = "task.work"
    EXTENSION_DECIDE = "extension.decide"
    ASSESS_VIEW = "assess.view"
    ASSESS_INPUT = "assess.input"
    ASSESS_UNIT_SUBMIT = "assess.unit_submit"
    ASSESS_COMPILE = "assess.compile"
    ASSESS_WHATIF = "assess.whatif"
    SURVEY_VIEW = "survey.view"
    SURVEY_MANAGE = "survey.manage"


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: frozenset(
        {
            Perm.ORG_VIEW,
            Perm.ORG_MANAGE,
            Perm.USER_MANAGE,
            Perm.AUDIT_VIEW,
            Perm.CRITERIA_VIEW,
            Perm.CRITERIA_MANAGE,
            Perm.CRITERIA_ASSIGN,
            Perm.PLAN_VIEW,
            Perm.PLAN_MANAGE,
            Perm.EXTENSION_DECIDE,
            Perm.ASSESS_VIEW,
            Perm.ASSESS_COMPILE,
            Perm.ASSESS_WHATIF,
            Perm.SURVEY_VIEW,
            Perm.SURVEY_MANAGE,
        }
    ),
    Role.COORDINATOR: frozenset(
        {
            Perm.ORG_VIEW,
            Perm.CRITERIA_VIEW,
            # Sets owned by the coordinator's own department only: a province's sets need its admin.
            Perm.CRITERIA_MANAGE,
            Perm.CRITERIA_ASSIGN,
            Perm.PLAN_VIEW,
            Perm.PLAN_MANAGE,
            Perm.TASK_WORK,
            Perm.EXTENSION_DECIDE,
            Perm.ASSESS_VIEW,
            Perm.ASSESS_INPUT,
            Perm.ASSESS_COMPILE,
            Perm.ASSESS_WHATIF,
            Perm.SURVEY_VIEW,
            Perm.SURVEY_MANAGE,
        }
    ),
    Role.LEADER: frozenset(
        {Perm.ORG_VIEW, Perm.CRITERIA_VIEW, Perm.PLAN_VIEW, Perm.ASSESS_VIEW, Perm.ASSESS_WHATIF, Perm.SURVEY_VIEW}
    ),
    Role.UNIT_HEAD: frozenset(
        {Perm.CRITERIA_VIEW, Perm.TASK_WORK, Perm.ASSESS_INPUT, Perm.ASSESS_UNIT_SUBMIT, Perm.SURVEY_VIEW}
    ),
    Role.STAFF: frozenset({Perm.CRITERIA_VIEW, Perm.TASK_WORK, Perm.ASSESS_INPUT, Perm.SURVEY_VIEW}),
    Role.APPRAISER: frozenset({Perm.APPRAISE, Perm.CRITERIA_VIEW}),
}
