from django.urls import path

from tether.pages import auth, views

urlpatterns = [
    path("", views.home, name="home"),
    path("register/", auth.register, name="register"),
    path("login/", auth.login_page, name="login"),
    path("verify/", auth.verify, name="verify"),
    path("logout/", auth.logout_page, name="logout"),
    path("chats/", views.chats, name="chats"),
    path("chats/<uuid:chat_id>/", views.chats, name="chat"),
    path("profile/", views.profile, name="profile"),
]
