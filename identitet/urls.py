from django.urls import path, re_path

from . import views

app_name = "identitet"

UDBYDER = r"(?P<udbyder>medarbejder|borger)"

urlpatterns = [
    re_path(rf"^log-ind/{UDBYDER}/$", views.log_ind, name="log-ind"),
    re_path(rf"^log-ind/{UDBYDER}/retur/$", views.retur, name="retur"),
    path("logget-ud/", views.logget_ud, name="logget-ud"),
]
