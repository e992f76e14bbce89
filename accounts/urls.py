from accounts.api import auth, sessions, users
from core.api.routes import api_path

urlpatterns = [
    *api_path("auth/register", auth.RegisterView.as_view(), "auth-register"),
    *api_path("auth/login", auth.LoginView.as_view(), "auth-login"),
    *api_path("auth/verify-code", auth.VerifyCodeView.as_view(), "auth-verify-code"),
    *api_path("auth/refresh", auth.RefreshView.as_view(), "auth-refresh"),
    *api_path("auth/logout", auth.LogoutView.as_view(), "auth-logout"),
    *api_path("auth/sessions", sessions.SessionListView.as_view(), "session-list"),
    *api_path(
        "auth/sessions/revoke-others", sessions.RevokeOthersView.as_view(), "session-revoke-others"
    ),
    *api_path("auth/sessions/<uuid:session_id>", sessions.SessionDetailView.as_view(), "session"),
    *api_path("users/me", users.MeView.as_view(), "user-me"),
    *api_path("users/me/privacy", users.PrivacyView.as_view(), "user-privacy"),
    *api_path("users/me/delete-code", users.DeleteCodeView.as_view(), "user-delete-code"),
    *api_path("users/blocked", users.BlockedListView.as_view(), "user-blocked"),
    *api_path("users/<uuid:user_id>/block", users.BlockView.as_view(), "user-block"),
    *api_path("users/<uuid:user_id>", users.UserDetailView.as_view(), "user-detail"),
    *api_path("users", users.UserSearchView.as_view(), "user-search"),
]
