from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from parindex.accounts.views import LoginView
from parindex.surveys.urls import public_urlpatterns

urlpatterns = [
    path("dang-nhap/", LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("nguoi-dung/", include("parindex.accounts.urls")),
    path("don-vi/", include("parindex.organizations.urls")),
    path("bo-tieu-chi/", include("parindex.criteria.urls")),
    path("ke-hoach/", include("parindex.plans.urls")),
    path("thong-bao/", include("parindex.notifications.urls")),
    path("danh-gia/", include("parindex.assessments.urls")),
    path("khao-sat/", include("parindex.surveys.urls")),
    # The short public link printed under each QR code.
    path("ks/", include((public_urlpatterns, "ks"))),
    path("django-admin/", admin.site.urls),
    path("", include("parindex.core.urls")),
]
