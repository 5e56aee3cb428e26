from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from parindex.accounts.models import User
from parindex.assessments.demo import load_demo_assessment
from parindex.core import demo_data
from parindex.criteria.document import read_yaml
from parindex.criteria.models import CriteriaSet, SetStatus
from parindex.criteria.services import criteria_set_import, criteria_set_plan_import
from parindex.organizations import services
from parindex.organizations.models import Membership, Organization, OrganizationVersion
from parindex.plans.demo import load_demo_plans
from parindex.surveys.demo import load_demo_surveys

LIBRARY = Path(__file__).resolve().parents[3] / "criteria" / "library"


class Command(BaseCommand):
    help = "Load the demo organizations and users from the seed documents. Safe to run again."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    @transaction.atomic
    def handle(self, *args, quiet_logins: bool = False, **options) -> None:
        created = self._organizations()
        users = self._users()
        sets = self._criteria_sets()
        plans = load_demo_plans(today=timezone.localdate())
        rounds = load_demo_assessment(today=timezone.localdate())
        surveys = load_demo_surveys(today=timezone.localdate())
        self.stdout.write(
            f"Dữ liệu mẫu: {created} đơn vị mới, {users} tài khoản mới, {sets} bộ tiêu chí mới, "
            f"{plans} kế hoạch mới, {rounds} đợt đánh giá mới, {surveys} đợt khảo sát mới."
        )
        if not quiet_logins:
            self.stdout.write(self._logins_table())

    def _organizations(self) -> int:
        created = 0
        for code, kind, name, short_name, parent_code in demo_data.ORGANIZATIONS:
            if Organization.objects.filter(code=code).exists():
                continue
            parent = Organization.objects.get(code=parent_code) if parent_code else None
            services.organization_create(
                code=code,
                kind=kind,
                name=name,
                short_name=short_name,
                parent=parent,
                year=demo_data.FIRST_DEMO_YEAR,
                by=None,
                note="Dữ liệu mẫu",
                unit_type=_unit_type(kind, code),
            )
            created += 1
        demo_units = [code for code, kind, *_ in demo_data.ORGANIZATIONS if kind == "unit"]
        for organization in Organization.objects.filter(code__in=demo_units, unit_type=""):
            # Databases seeded before units had a type get theirs.
            organization.unit_type = _unit_type(organization.kind, organization.code)
            organization.save(update_fields=["unit_type", "updated_at"])
        for organization in Organization.objects.filter(code__in=demo_data.APPRAISING_BODIES, is_appraising_body=False):
            organization.is_appraising_body = True
            organization.save(update_fields=["is_appraising_body", "updated_at"])
        for code, year, name, short_name, note in demo_data.RENAMES:
            organization = Organization.objects.get(code=code)
            if OrganizationVersion.objects.filter(organization=organization, valid_from=year).exists():
                continue
            current = organization.versions.get(valid_until__isnull=True)
            services.organization_rename(
                organization=organization,
                year=year,
                name=name,
                short_name=short_name,
                parent=current.parent,
                by=None,
                note=note,
            )
        return created

    def _users(self) -> int:
        created = 0
        for username, full_name, roles in demo_data.USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, full_name=full_name)
                user.set_password(demo_data.DEMO_PASSWORD)
                user.save()
                created += 1
            for code, role in roles:
                Membership.objects.get_or_create(user=user, organization=Organization.objects.get(code=code), role=role)
        return created

    def _criteria_sets(self) -> int:
        created = 0
        for path in sorted(LIBRARY.glob("*.yaml")):
            document = read_yaml(path.read_text(encoding="utf-8"))
            existing = CriteriaSet.objects.filter(code=document.header.get("code")).first()
            if existing:
                if existing.organization_id is None:  # loaded before sets had an owner
                    existing.organization = Organization.objects.get(code=document.header["organization"])
                    existing.save(update_fields=["organization", "updated_at"])
                continue
            plan = criteria_set_plan_import(document=document, by=None)  # the system loads its library
            if plan.errors:
                raise CommandError(f"{path.name}: " + "; ".join(f"{i.code} {i.message}" for i in plan.errors))
            criteria_set_import(plan=plan, by=None, status=SetStatus.ACTIVE)
            created += 1
        return created

    def _logins_table(self) -> str:
        lines = ["", f"Tài khoản mẫu (mật khẩu chung: {demo_data.DEMO_PASSWORD}):"]
        width = max(len(username) for username, _, _ in demo_data.USERS)
        for username, full_name, roles in demo_data.USERS:
            role_text = ", ".join(f"{role}@{code}" for code, role in roles)
            lines.append(f"  {username:<{width}} {full_name:<18} {role_text}")
        return "\n".join(lines)


def _unit_type(kind: str, code: str) -> str:
    return demo_data.UNIT_TYPES.get(code, "office") if kind == "unit" else ""
