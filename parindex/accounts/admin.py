from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from parindex.accounts.models import User


@admin.register(User)
class ParIndexUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Thông tin thêm", {"fields": ("full_name", "phone")}))
    list_display = ("username", "full_name", "email", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "email")
