from django.urls import path

from parindex.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("tao/", views.plan_create, name="plan_create"),
    path("nhap/", views.plan_import, name="plan_import"),
    path("nhap/xem-truoc/", views.plan_import_preview, name="plan_import_preview"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/xuat.<str:fmt>", views.plan_export, name="plan_export"),
    path("<int:pk>/them-nhiem-vu/", views.task_create, name="task_create"),
    path("nhiem-vu/<int:pk>/sua/", views.task_edit, name="task_edit"),
    path("nhiem-vu/<int:pk>/xoa/", views.task_delete, name="task_delete"),
    path("viec-cua-toi/", views.my_work, name="my_work"),
    path("ky/<int:pk>/", views.occurrence_detail, name="occurrence_detail"),
    path("ky/<int:pk>/tien-do/", views.occurrence_progress, name="occurrence_progress"),
    path("ky/<int:pk>/hoan-thanh/", views.occurrence_done, name="occurrence_done"),
    path("ky/<int:pk>/su-kien/", views.occurrence_event, name="occurrence_event"),
    path("ky/<int:pk>/gia-han/", views.extension_create, name="extension_create"),
    path("gia-han/", views.extension_list, name="extension_list"),
    path("gia-han/<int:pk>/", views.extension_decide, name="extension_decide"),
    path("tep/<int:pk>/", views.progress_file, name="progress_file"),
    path("lich-nghi/", views.calendar_days, name="calendar_days"),
    path("lich-nghi/<int:pk>/xoa/", views.calendar_day_delete, name="calendar_day_delete"),
]
