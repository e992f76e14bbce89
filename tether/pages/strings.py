"""The words the page scripts show, translated here so that JavaScript needs no catalogue.

Placeholders are ``{name}``; static/js/i18n.js fills them.
"""

from django.utils.translation import gettext as _


def js_strings() -> dict[str, str]:
    return {
        "chats": _("Chats"),
        "online": _("online"),
        "offline": _("offline"),
        "last_seen": _("last seen {when}"),
        "today_at": _("today at {time}"),
        "yesterday_at": _("yesterday at {time}"),
        "today": _("Today"),
        "yesterday": _("Yesterday"),
        "typing": _("typing…"),
        "edited": _("edited"),
        "retry": _("Retry"),
        "not_sent": _("Not sent."),
        "status_sending": _("Sending"),
        "status_sent": _("Sent"),
        "status_read": _("Read"),
        "status_failed": _("Not sent"),
        "message_deleted": _("Message deleted"),
        "message_actions": _("Message actions"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "report": _("Report"),
        "report_user_title": _("Report {name}"),
        "report_message_title": _("Report this message"),
        "report_sent": _("Thank you. Moderators will look into your report."),
        "choose_reason": _("Choose what is wrong."),
        "you_blocked": _("You blocked this person. Unblock them to send a message."),
        "not_sent_blocked": _("Not sent: you cannot message this person."),
        "you_prefix": _("You: {text}"),
        "no_messages": _("No messages yet"),
        "unread_count": _("Unread: {count}"),
        "searching": _("Searching…"),
        "nobody_found": _("Nobody found. Try another name or username."),
        "people_found": _("Found: {count}"),
        "reconnecting": _("Connection lost. Reconnecting…"),
        "offline_banner": _("You are offline. Waiting for the network…"),
        "too_long": _("The message is too long."),
        "error_generic": _("Something went wrong. Please try again."),
        "error_network": _("No connection. The message will be sent when it is back."),
        "error_validation_error": _("This message cannot be sent."),
        "error_too_large": _("The message is too long."),
        "error_blocked": _("You cannot message this person."),
        "error_throttled": _("You are sending too fast. Wait a moment."),
        "error_not_found": _("Not found. It may have been deleted."),
        "error_permission_denied": _("You cannot do that."),
        "error_server_error": _("Something went wrong on our side. Please try again."),
    }


def countdown_strings() -> dict[str, str]:
    return {"resend_in": _("You can ask for a new code in {seconds} s.")}


def profile_strings() -> dict[str, str]:
    """The profile page's sessions list and account deletion."""
    return {
        **countdown_strings(),
        "today_at": _("today at {time}"),
        "yesterday_at": _("yesterday at {time}"),
        "this_device": _("This device"),
        "revoke": _("Revoke"),
        "unblock": _("Unblock"),
        "unblocked": _("{name} is unblocked."),
        "unknown_device": _("Unknown device"),
        "last_used": _("Last used {when}"),
        "session_revoked": _("The session on {device} has ended."),
        "others_revoked": _("Other sessions ended: {count}."),
        "sessions_failed": _("Could not load your sessions. Trying again…"),
        "ask_again_in": _("A code was sent to this number recently. Ask again in {seconds} s."),
        "ask_again_later": _("Too many codes were asked for. Ask again in {minutes} min."),
        "code_format": _("The code is 6 digits."),
        "error_invalid_code": _("Wrong code. Check the SMS and try again."),
        "error_code_expired": _("This code has expired. Ask for a new one."),
        "error_too_many_attempts": _("Too many wrong attempts. Ask for a new code."),
        "error_throttled": _("Too many attempts. Try again in {seconds} s."),
        "error_generic": _("Something went wrong. Please try again."),
        "error_network": _("No connection. Check the network and try again."),
    }
