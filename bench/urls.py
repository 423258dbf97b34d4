"""The app's URLs plus the benchmark's baseline views (only under bench.settings)."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/indsaet/", views.bar_indsaettelse, name="bench-indsaet"),
    path("bench/laes/<uuid:pk>/", views.triviel_laesning, name="bench-laes"),
    path("", include("samtaler_site.urls")),
]
