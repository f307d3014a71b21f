"""Account URLs: registration with a credit code, login, password change and reset, two-factor login,
sessions and the security audit log."""

from django.urls import include, path

from . import account_views, audit_views, claim_views, token_views, two_factor_views

urlpatterns = [
    path("register/", account_views.register, name="register"),
    path("claim/", claim_views.claim_status, name="claim_status"),
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("security/", two_factor_views.account_security, name="account_security"),
    path("two-factor/enrol/", two_factor_views.two_factor_enrol, name="two_factor_enrol"),
    path("two-factor/verify/", two_factor_views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/recovery-codes/", two_factor_views.recovery_codes, name="two_factor_recovery_codes"),
    path("two-factor/disable/", two_factor_views.two_factor_disable, name="two_factor_disable"),
    path("sessions/end-all/", two_factor_views.logout_everywhere, name="logout_everywhere"),
    path("security-log/", audit_views.security_log, name="security_log"),
    path("security-log/export/", audit_views.security_log_export, name="security_log_export"),
    # Django's own views, recorded in the security log when a password changes, the reset mails throttled.
    path("password_change/", account_views.PasswordChange.as_view(), name="password_change"),
    path("password_reset/", account_views.PasswordReset.as_view(), name="password_reset"),
    path("reset/<uidb64>/<token>/", account_views.PasswordResetConfirm.as_view(), name="password_reset_confirm"),
    path("", include("django.contrib.auth.urls")),
]
