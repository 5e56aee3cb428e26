from django.urls import path

from parindex.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("mo-dot/", views.campaign_create, name="campaign_create"),
    path("mau-phieu/", views.template_create, name="template_create"),
    path("mau-phieu/<int:pk>/", views.template_edit, name="template_edit"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/gop-y/", views.campaign_comments, name="campaign_comments"),
    path("<int:pk>/sua/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/ket-thuc/", views.campaign_close, name="campaign_close"),
    path("<int:pk>/cho-xem-xet/", views.held_list, name="held_list"),
    path("phieu/<int:pk>/xem-xet/", views.held_decide, name="held_decide"),
    path("<int:pk>/xuat.xlsx", views.campaign_export, name="campaign_export"),
    path("<int:pk>/bao-cao.pdf", views.campaign_report, name="campaign_report"),
    path("<int:pk>/bao-cao-quy.pdf", views.quarter_report, name="quarter_report"),
    path("phieu/<int:pk>/loai/", views.response_exclude, name="response_exclude"),
    path("diem/<int:pk>/phieu-giay/", views.paper_entry, name="paper_entry"),
    path("lo-phieu/<int:pk>/", views.paper_batch, name="paper_batch"),
    path("lo-phieu/<int:pk>/loai/", views.paper_batch_exclude, name="paper_batch_exclude"),
    path("diem/<int:pk>/qr.svg", views.point_qr, name="point_qr"),
    path("diem/<int:pk>/ap-phich.pdf", views.point_poster, name="point_poster"),
    path("danh-gia/<int:pk>/lay-diem/", views.survey_points_apply, name="survey_points_apply"),
]

public_urlpatterns = [
    path("<slug:token>/", views.public_form, name="form"),
    path("<slug:token>/cam-on/", views.public_thanks, name="thanks"),
]
