from django.urls import path

from parindex.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("them/", views.user_create, name="user_create"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("<int:pk>/", views.user_edit, name="user_edit"),
    path("<int:pk>/vai-tro/", views.membership_create, name="membership_create"),
    path("<int:pk>/vai-tro/<int:membership_pk>/xoa/", views.membership_delete, name="membership_delete"),
]
