from accounts.api import auth, users
from tether.api.routes import api_path

urlpatterns = [
    *api_path("auth/register", auth.RegisterView.as_view(), "auth-register"),
    *api_path("auth/login", auth.LoginView.as_view(), "auth-login"),
    *api_path("auth/verify-code", auth.VerifyCodeView.as_view(), "auth-verify-code"),
    *api_path("auth/refresh", auth.RefreshView.as_view(), "auth-refresh"),
    *api_path("auth/logout", auth.LogoutView.as_view(), "auth-logout"),
    *api_path("users/me", users.MeView.as_view(), "user-me"),
    *api_path("users/<uuid:user_id>", users.UserDetailView.as_view(), "user-detail"),
    *api_path("users", users.UserSearchView.as_view(), "user-search"),
]
