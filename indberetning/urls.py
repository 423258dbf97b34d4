from django.urls import path

from . import views

app_name = "indberetning"

urlpatterns = [
    path("drift/", views.drift, name="drift"),
    path("drift/batches/<uuid:pk>/", views.batch_detalje, name="batch-detalje"),
    path("drift/batches/<uuid:pk>/genudsend/", views.batch_genudsend, name="batch-genudsend"),
]
