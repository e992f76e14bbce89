from core.api.routes import api_path
from moderation import api

urlpatterns = [
    *api_path(
        "messages/<uuid:message_id>/report", api.MessageReportView.as_view(), "message-report"
    ),
    *api_path("users/<uuid:user_id>/report", api.UserReportView.as_view(), "user-report"),
]
