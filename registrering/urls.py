from django.urls import path

from . import views

app_name = "registrering"

urlpatterns = [
    path("borgere/", views.person_soeg, name="person-soeg"),
    path("borgere/opret/", views.person_opret, name="person-opret"),
    path("borgere/<uuid:pk>/", views.person_detalje, name="person-detalje"),
    path("borgere/<uuid:pk>/kontaktgruppe/", views.person_ret, name="person-ret"),
    path("borgere/<uuid:pk>/flyt/", views.person_flyt, name="person-flyt"),
    path("borgere/<uuid:person_pk>/samtaler/ny/", views.samtale_opret, name="samtale-opret"),
    path("samtaler/<uuid:pk>/ret/", views.samtale_ret, name="samtale-ret"),
    path("samtaler/<uuid:pk>/annuller/", views.samtale_annuller, name="samtale-annuller"),
    path("borgere/<uuid:pk>/aftale/udskriv/", views.aftale_udskriv, name="aftale-udskriv"),
    path("borgere/<uuid:pk>/historik/", views.person_historik, name="person-historik"),
    path("borgere/<uuid:pk>/adgangslog.csv", views.person_adgangslog, name="person-adgangslog"),
    path("mine-samtaler/", views.mine_samtaler, name="mine-samtaler"),
    path("mine-data/", views.borger_indsigt, name="borger-indsigt"),
    path("statistik/", views.statistik, name="statistik"),
    path("", views.forside, name="forside"),
]
