from django.urls import path

from parindex.core import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("nam-lam-viec/", views.year_switch, name="year_switch"),
    path("nhat-ky/", views.audit_log, name="audit_log"),
    path("healthz", views.healthz, name="healthz"),
]
