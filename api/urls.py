from django.urls import path
from oauth2_provider.views import TokenView

from .views import api

urlpatterns = [
    # OAuth 2.0 client credentials (django-oauth-toolkit): client id and secret as HTTP Basic
    # or form fields; answers a bearer token that expires within the hour.
    path("v1/token", TokenView.as_view(), name="api-token"),
    path("v1/", api.urls),
]
