from django.apps import AppConfig


class ChatsConfig(AppConfig):
    name = "chats"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.privacy import use_chat_sharing
        from chats.selectors import chat_sharing

        use_chat_sharing(chat_sharing)  # "people I share a chat with", for the privacy rules
