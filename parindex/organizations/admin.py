from django.contrib import admin

from parindex.organizations.models import Membership, Organization, OrganizationChange, OrganizationVersion


class VersionInline(admin.TabularInline):
    model = OrganizationVersion
    fk_name = "organization"
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "unit_type")
    list_filter = ("kind", "unit_type")
    search_fields = ("code", "versions__name")
    inlines = [VersionInline]


@admin.register(OrganizationChange)
class OrganizationChangeAdmin(admin.ModelAdmin):
    list_display = ("organization", "kind", "year", "related", "by")
    list_filter = ("kind", "year")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "organization__code")
