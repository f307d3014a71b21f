"""Account URLs: registration with a credit code, login, password change and reset."""

from django.urls import include, path

from . import account_views, claim_views, token_views

urlpatterns = [
    path("register/", account_views.register, name="register"),
    path("claim/", claim_views.claim_status, name="claim_status"),
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("", include("django.contrib.auth.urls")),
]
