from django.urls import path

from parindex.criteria import views

app_name = "criteria"
urlpatterns = [
    path("", views.set_list, name="set_list"),
    path("nhap/", views.set_import, name="set_import"),
    path("nhap/mau-excel/", views.set_template, name="set_template"),
    path("nhap/luu/", views.set_import_confirm, name="set_import_confirm"),
    path("<slug:code>/", views.set_detail, name="set_detail"),
    path("<slug:code>/xuat.<str:fmt>", views.set_export, name="set_export"),
    path("<slug:code>/sao-chep/", views.set_clone, name="set_clone"),
    path("<slug:code>/so-sanh/", views.set_diff, name="set_diff"),
    path("<slug:code>/trang-thai/", views.set_status, name="set_status"),
    path("<slug:code>/phan-cong/", views.assignment_matrix, name="assignment_matrix"),
    path("<slug:code>/phan-cong/luu/", views.assignment_update, name="assignment_update"),
    path("<slug:code>/tieu-chi/<str:criterion_code>/", views.criterion_detail, name="criterion_detail"),
    path("<slug:code>/tieu-chi/<str:criterion_code>/tinh-thu/", views.criterion_calculate, name="criterion_calculate"),
]
