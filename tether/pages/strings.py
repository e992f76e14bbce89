"""The words the page scripts show, translated here so that JavaScript needs no catalogue.

Placeholders are ``{name}``; static/js/i18n.js fills them.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

# A number of each plural form (CLDR's one, few, many, other) in English and Russian; the page
# picks the form with Intl.PluralRules (static/js/i18n.js `plural`).
PLURAL_SAMPLES = {"one": 1, "few": 2, "many": 5, "other": 5}


def plural_forms(key: str, words) -> dict[str, str]:
    """``key_one``, ``key_few``, ``key_many`` and ``key_other``: ``words(number)`` (an ngettext
    call, written out so that makemessages finds it) for a number of each form."""
    return {f"{key}_{form}": words(number) for form, number in PLURAL_SAMPLES.items()}


def group_strings() -> dict[str, str]:
    """Groups: the New group form, the member list, system messages, who types."""
    return {
        "group": _("Group"),
        **plural_forms("members", lambda n: ngettext("{count} member", "{count} members", n)),
        "online_count": _("{count} online"),
        "members_and_online": _("{members}, {online}"),
        "read_by": _("Read by"),
        "read_by_nobody": _("Nobody has read it yet."),
        **plural_forms(
            "read_by_count",
            lambda n: ngettext(
                "{count} of {total} has read it", "{count} of {total} have read it", n
            ),
        ),
        "typing_one": _("{name} is typing…"),
        "typing_two": _("{name} and {other} are typing…"),
        "typing_more": _("{name} and {count} others are typing…"),
        "sender_prefix": _("{name}: {text}"),
        "someone": _("Someone"),
        "you": _("you"),
        "loading": _("Loading…"),
        "sys_group_created": _("{actor} created the group “{title}”"),
        "sys_members_added": _("{actor} added {names}"),
        "sys_member_removed": _("{actor} removed {name}"),
        "sys_member_left": _("{name} left"),
        "sys_title_changed": _("{actor} renamed the group to “{title}”"),
        "sys_made_admin": _("{actor} made {name} an admin"),
        "sys_made_member": _("{actor} made {name} a regular member"),
        "sys_owner_changed": _("{name} is now the owner"),
        "sys_changed": _("{actor} changed the group"),
        "new_group": _("New group"),
        "new_group_lead": _("Name the group, then find the people to add by name or username."),
        "create": _("Create"),
        "add_members": _("Add members"),
        "add_members_title": pgettext("heading", "Add members"),
        "add_to": _("Find people by name or username to add to “{title}”."),
        "pick_hint": _("Type a name or username to find people."),
        "already_member": _("Already in the group"),
        "deselect": _("Deselect {name}"),
        "chosen_count": _("Chosen: {count}"),
        "title_needed": _("Give the group a name."),
        "title_too_long": _("The name is too long: at most 128 characters."),
        "people_needed": _("Choose at least one person."),
        "error_group_blocked": _("You cannot add someone you blocked or who blocked you."),
        "error_group_people": _("Some of these people cannot be added."),
        "role_owner": _("owner"),
        "role_admin": _("admin"),
        "make_admin": _("Make admin"),
        "revoke_admin": _("Revoke admin"),
        "make_owner": _("Make owner"),
        "remove": _("Remove"),
        "removed_from": _("You are no longer in “{title}”."),
        "you_left": _("You left “{title}”."),
    }


def message_action_strings() -> dict[str, str]:
    """Replies, reactions, forwards and pins: a message's menu and what it opens."""
    return {
        "reply": _("Reply"),
        "react": _("React"),
        "forward": _("Forward"),
        "pin": _("Pin"),
        "unpin": _("Unpin"),
        "reply_to": _("Reply to {name}"),
        "show_message": _("Show the message"),
        "attachment": _("Attachment"),
        "forwarded_from": _("Forwarded from {name}"),
        "forwarded_to": _("Forwarded to {name}."),
        "no_chats_found": _("No chats found."),
        "choose_reaction": _("Choose a reaction"),
        "common_emoji": _("Common reactions"),
        "any_emoji": _("Any emoji"),
        "add_reaction": pgettext("reaction", "Add"),
        "emoji_one": _("Enter one emoji."),
        "error_action_blocked": _("You cannot do this while one of you blocks the other."),
        "error_action_invalid": _("This cannot be done with this message."),
        "error_forward": _("This message cannot be forwarded."),
    }


def attachment_strings() -> dict[str, str]:
    """Attachments: the files waiting in the composer, in a message, and in the viewer."""
    return {
        "photo": _("Photo"),
        "file": _("File"),
        "download": _("Download"),
        "download_name": _("Download {name}"),
        "uploading": _("Uploading {name}"),
        "cancel_upload": _("Remove {name}"),
        "size_b": _("{size} B"),
        "size_kb": _("{size} KB"),
        "size_mb": _("{size} MB"),
        "size_gb": _("{size} GB"),
        "too_many_files": _("At most {count} files go in one message."),
        "error_file_too_large": _("This file is over {max} MB."),
        "error_file_empty": _("“{name}” is empty."),
        "error_too_many_uploads": _(
            "Too many files are waiting to be sent. Send or remove some first."
        ),
        "error_upload_invalid": _("This file cannot be sent."),
        "error_upload_network": _("The file did not upload: no connection. Try again."),
    }


def search_settings_strings() -> dict[str, str]:
    """Message search, drafts, muted chats and notifications."""
    return {
        **plural_forms(
            "messages_found",
            lambda n: ngettext("{count} message found", "{count} messages found", n),
        ),
        **plural_forms(
            "messages_found_more",
            lambda n: ngettext(
                "{count} message shown, there are more", "{count} messages shown, there are more", n
            ),
        ),
        "no_messages_found": _("No messages found."),
        "search_failed": _("The search failed. Please try again."),
        "you_sender": _("You"),
        "draft_prefix": _("Draft:"),
        "muted": _("muted"),
        "muted_done": _("The chat is muted: no notifications from it."),
        "unmuted_done": _("The chat is unmuted."),
    }


def js_strings() -> dict[str, str]:
    return {
        **group_strings(),
        **search_settings_strings(),
        **message_action_strings(),
        **attachment_strings(),
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
        "privacy_saved": _("Privacy settings saved."),
        "export_throttled": _("You can download your data once an hour. Please try again later."),
    }
