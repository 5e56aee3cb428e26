from django.urls import path

from parindex.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("mo-dot/", views.round_create, name="round_create"),
    path("dot/<int:pk>/", views.round_detail, name="round_detail"),
    path("dot/<int:pk>/xep-hang.xlsx", views.round_export, name="round_export"),
    path("<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("<int:pk>/chuyen-buoc/", views.transition, name="transition"),
    path("<int:pk>/don-vi/<int:unit_id>/gui/", views.unit_submit, name="unit_submit"),
    path("<int:pk>/gia-dinh/", views.what_if, name="what_if"),
    path("<int:pk>/cap-nhat-so-lieu/", views.prefill_refresh, name="prefill_refresh"),
    path("<int:pk>/khac-phuc/", views.remediation_create, name="remediation_create"),
    path("<int:pk>/xuat.<str:fmt>", views.assessment_export, name="assessment_export"),
    path("<int:pk>/tai-lieu/", views.evidence_list, name="evidence_list"),
    path("tai-lieu/tep/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("tieu-chi/<int:pk>/", views.answer_panel, name="answer_panel"),
    path("tieu-chi/<int:pk>/luu/", views.answer_save, name="answer_save"),
    path("tieu-chi/<int:pk>/tinh-thu/", views.answer_calculate, name="answer_calculate"),
    path("tieu-chi/<int:pk>/tham-dinh/<int:round_number>/", views.appraisal_save, name="appraisal_save"),
    path("tieu-chi/<int:pk>/giai-trinh/", views.reply_save, name="reply_save"),
]
