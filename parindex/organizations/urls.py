from django.urls import path

from parindex.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("them/", views.create, name="create"),
    path("tham-dinh/", views.appraised, name="appraised"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/doi-ten/", views.rename, name="rename"),
    path("<int:pk>/sap-nhap/", views.merge, name="merge"),
    path("<int:pk>/tach/", views.split, name="split"),
]
