from django.urls import path

from tether.pages import auth, views
from tether.pages.web import page

urlpatterns = [
    path("", views.home, name="home"),
    path("register/", page(auth.register), name="register"),
    path("login/", page(auth.login_page), name="login"),
    path("verify/", page(auth.verify), name="verify"),
    path("logout/", page(auth.logout_page), name="logout"),
    path("chats/", page(views.chats), name="chats"),
    path("chats/<uuid:chat_id>/", page(views.chats), name="chat"),
    path("profile/", page(views.profile), name="profile"),
]
