"""Optimistic locking for edit forms of rows without a version column: the form carries the
row's `updated_at` as it was shown, and the service refuses to save over a newer one."""

from __future__ import annotations

from django import forms
from django.db import connection

from parindex.core.errors import ApplicationError

ERR_EDITED_MEANWHILE = (
    "Người khác vừa sửa mục này; thay đổi của bạn chưa được lưu. Hãy tải lại trang để xem nội dung mới rồi sửa lại."
)


def edit_stamp(instance) -> str:
    return instance.updated_at.isoformat() if instance.updated_at else ""


def edit_stamp_field() -> forms.CharField:
    return forms.CharField(widget=forms.HiddenInput, required=False)


def refuse_if_edited_since(instance, loaded_at: str | None) -> None:
    """Call inside the service's transaction, before writing. An empty stamp (a client that
    sent none) is not checked: the stamp protects honest users from each other."""
    if not loaded_at:
        return
    rows = type(instance).objects.filter(pk=instance.pk)
    if connection.in_atomic_block:
        rows = rows.select_for_update()
    current = rows.values_list("updated_at", flat=True).first()
    if current is None or current.isoformat() != loaded_at:
        raise ApplicationError(ERR_EDITED_MEANWHILE)
