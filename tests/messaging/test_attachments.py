"""Attachments over HTTP: uploads made safe, who may fetch them, sending, forwarding and
deleting them, and the cleanup (API.md "Attachments")."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from chats.services import chat_get_or_create
from messaging.models import Attachment, attachments_storage
from messaging.services import message_delete, message_send
from tests import media_samples
from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name: str = "photo.jpg", content_type="application/octet-stream"):
    part = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post("/api/attachments", {"file": part}, format="multipart")


def uploaded(client, data: bytes, name: str = "photo.jpg") -> dict:
    return envelope_data(upload(client, data, name), 201)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def send(client, chat, ids, content=""):
    payload = {"chat_id": str(chat.pk), "content": content, "attachment_ids": ids}
    return client.post("/api/messages", payload, format="json")


# --- uploads: images made safe, everything else a download ------------------------------------


def test_a_photo_loses_its_metadata_and_stands_upright(as_alice):
    original = media_samples.jpeg_with_gps(400, 200)
    assert b"SpyPhone" in original and media_samples.GPS_MARK in original
    data = uploaded(as_alice, original, "IMG_0001.jpg")
    assert data["kind"] == "image" and data["content_type"] == "image/jpeg"
    assert (data["width"], data["height"]) == (200, 400)  # orientation 6 applied
    assert data["url"] == f"/api/attachments/{data['id']}/content"
    assert data["thumbnail_url"] == f"/api/attachments/{data['id']}/thumbnail"
    response = as_alice.get(data["url"])
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    served = body(response)
    assert len(served) == data["size"]
    for secret in (b"Exif", b"SpyPhone", media_samples.GPS_MARK, b"at home", b"ICC_PROFILE"):
        assert secret not in served
    image = media_samples.opened(served)
    assert image.size == (200, 400) and not image.getexif()


def test_the_thumbnail_is_at_most_320_px(as_alice):
    data = uploaded(as_alice, media_samples.png_with_text(600, 300, alpha=False), "wide.png")
    response = as_alice.get(data["thumbnail_url"])
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert media_samples.opened(body(response)).size == (320, 160)


def test_a_transparent_png_keeps_its_format_and_gets_a_webp_thumbnail(as_alice):
    data = uploaded(as_alice, media_samples.png_with_text(), "logo.png")
    assert data["content_type"] == "image/png"
    served = body(as_alice.get(data["url"]))
    assert b"Leaky Author" not in served
    assert media_samples.opened(served).mode == "RGBA"
    thumbnail = as_alice.get(data["thumbnail_url"])
    assert thumbnail["Content-Type"] == "image/webp"
    assert max(media_samples.opened(body(thumbnail)).size) == 320


def test_an_animated_gif_keeps_its_frames_and_loses_its_comment(as_alice):
    data = uploaded(as_alice, media_samples.gif_animated(3), "wave.gif")
    served = body(as_alice.get(data["url"]))
    assert media_samples.opened(served).n_frames == 3
    assert b"gif comment" not in served


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (media_samples.jpeg_with_gps()[:400], "truncated.jpg"),
        (media_samples.bomb_png(), "bomb.png"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "x.svg"),
        (b"%PDF-1.4 not really", "report.pdf"),
    ],
)
def test_what_is_not_a_whole_small_image_is_a_file_kept_as_sent(as_alice, data, name):
    answer = uploaded(as_alice, data, name)
    assert answer["kind"] == "file" and answer["thumbnail_url"] is None
    assert answer["width"] is None and answer["height"] is None
    assert answer["size"] == len(data)
    response = as_alice.get(answer["url"])
    assert body(response) == data
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    envelope_error(as_alice.get(f"/api/attachments/{answer['id']}/thumbnail"), 404, "not_found")


def test_html_is_a_download_that_cannot_run_here(as_alice):
    answer = uploaded(as_alice, b"<script>alert(document.cookie)</script>", "page.html")
    response = as_alice.get(answer["url"])
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_types_follow_the_extension_else_octet_stream(as_alice):
    assert uploaded(as_alice, b"hello", "notes.txt")["content_type"] == "text/plain"
    assert uploaded(as_alice, b"\x00\x01", "blob")["content_type"] == "application/octet-stream"


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ann\\report.txt", "report.txt"),
        ("x" * 300 + ".txt", "x" * 251 + ".txt"),
    ],
)
def test_names_lose_their_path_and_stay_within_255(as_alice, sent, kept):
    assert uploaded(as_alice, b"data", sent)["name"] == kept


def test_names_beyond_ascii_download_under_their_own_name(as_alice):
    answer = uploaded(as_alice, b"data", "отчёт 2026.txt")
    disposition = as_alice.get(answer["url"])["Content-Disposition"]
    assert "filename*=utf-8''%D0%BE%D1%82%D1%87%D1%91%D1%82%202026.txt" in disposition


def test_empty_or_missing_files_are_400(as_alice):
    body_ = envelope_error(upload(as_alice, b"", "empty.txt"), 400, "validation_error")
    assert "file" in body_["fields"]
    response = as_alice.post("/api/attachments", {"other": "x"}, format="multipart")
    envelope_error(response, 400, "validation_error")


def test_json_is_not_an_upload(as_alice):
    response = as_alice.post("/api/attachments", {"file": "x"}, format="json")
    envelope_error(response, 415, "unsupported_media_type")


def test_uploads_over_the_limit_are_413_and_leave_nothing(as_alice, settings, media_root):
    settings.TETHER_MAX_UPLOAD_BYTES = 1000
    envelope_error(upload(as_alice, b"x" * 1001, "big.bin"), 413, "too_large")
    assert uploaded(as_alice, b"x" * 1000, "fits.bin")["size"] == 1000
    assert Attachment.objects.count() == 1


def test_at_most_so_many_unsent_uploads(as_alice, settings):
    settings.TETHER_UNSENT_UPLOADS_MAX = 2
    uploaded(as_alice, b"1", "a.txt")
    uploaded(as_alice, b"2", "b.txt")
    response = upload(as_alice, b"3", "c.txt")
    envelope_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert Attachment.objects.count() == 2


def test_uploads_need_a_sign_in(api):
    envelope_error(upload(api, b"x", "a.txt"), 401, "not_authenticated")


# --- sending, fetching, forwarding, deleting ------------------------------------------------


def test_a_message_with_attachments_may_have_no_text(as_alice, as_bob, chat):
    photo = uploaded(as_alice, media_samples.jpeg_with_gps(), "p.jpg")
    doc = uploaded(as_alice, b"doc", "d.txt")
    message = envelope_data(send(as_alice, chat, [doc["id"], photo["id"]]), 201)
    assert message["content"] == ""
    assert [a["id"] for a in message["attachments"]] == [doc["id"], photo["id"]]
    history = envelope_data(as_bob.get(f"/api/chats/{chat.pk}/messages"))
    assert history[0]["attachments"] == message["attachments"]
    assert as_bob.get(photo["url"]).status_code == 200
    assert envelope_data(as_bob.get(f"/api/chats/{chat.pk}"))["last_message"]["attachments"]


def test_white_space_alone_is_still_not_a_caption(as_alice, chat):
    photo = uploaded(as_alice, b"x", "a.txt")
    envelope_error(send(as_alice, chat, [photo["id"]], content="   "), 400, "validation_error")


def test_strangers_never_fetch_an_attachment(as_alice, as_carol, chat):
    photo = uploaded(as_alice, media_samples.jpeg_with_gps(), "p.jpg")
    envelope_error(as_carol.get(photo["url"]), 404, "not_found")  # unsent: the uploader only
    envelope_data(send(as_alice, chat, [photo["id"]]), 201)
    envelope_error(as_carol.get(photo["url"]), 404, "not_found")
    envelope_error(as_carol.get(photo["thumbnail_url"]), 404, "not_found")
    envelope_error(as_carol.get("/api/attachments/not-a-uuid/content"), 404, "not_found")


def test_fetching_needs_a_sign_in(api, as_alice):
    photo = uploaded(as_alice, b"x", "a.txt")
    envelope_error(api.get(photo["url"]), 401, "not_authenticated")


def test_an_img_asking_for_images_gets_the_bytes(as_alice):
    photo = uploaded(as_alice, media_samples.jpeg_with_gps(), "p.jpg")
    response = as_alice.get(photo["url"], HTTP_ACCEPT="image/avif,image/webp,image/*")
    assert response.status_code == 200


def test_only_ones_own_unsent_uploads_can_be_sent(as_alice, as_bob, chat):
    mine = uploaded(as_alice, b"a", "a.txt")
    envelope_error(send(as_bob, chat, [mine["id"]]), 404, "not_found")  # bob cannot see it
    envelope_data(send(as_alice, chat, [mine["id"]]), 201)
    again = envelope_error(send(as_alice, chat, [mine["id"]]), 400, "validation_error")
    assert "attachment_ids" in again["fields"]
    seen = envelope_error(send(as_bob, chat, [mine["id"]]), 400, "validation_error")
    assert "attachment_ids" in seen["fields"]  # he sees it, but it is not his to send


@pytest.mark.parametrize("ids", [[], "x", ["nope"], None])
def test_bad_attachment_lists_are_400(as_alice, chat, ids):
    response = send(as_alice, chat, ids, content="" if ids is not None else "")
    envelope_error(response, 400, "validation_error")


def test_at_most_ten_distinct_attachments(as_alice, chat, settings):
    settings.TETHER_UNSENT_UPLOADS_MAX = 20
    ids = [uploaded(as_alice, b"x", f"{n}.txt")["id"] for n in range(11)]
    envelope_error(send(as_alice, chat, ids), 400, "validation_error")
    envelope_error(send(as_alice, chat, [ids[0], ids[0]]), 400, "validation_error")
    assert len(envelope_data(send(as_alice, chat, ids[:10]), 201)["attachments"]) == 10


def test_a_forward_shares_the_attachments_with_its_chat(
    as_alice, as_bob, as_carol, alice, bob, carol, chat
):
    photo = uploaded(as_alice, media_samples.jpeg_with_gps(), "p.jpg")
    original = envelope_data(send(as_alice, chat, [photo["id"]]), 201)
    bob_carol = chat_get_or_create(user=bob, peer=carol)[0]
    forward = as_bob.post(
        "/api/messages",
        {"chat_id": str(bob_carol.pk), "forward_of_id": original["id"]},
        format="json",
    )
    forward = envelope_data(forward, 201)
    assert forward["content"] == "" and forward["attachments"] == original["attachments"]
    assert forward["forwarded_from"]["sender_id"] == str(alice.pk)
    assert as_carol.get(photo["url"]).status_code == 200  # through the forward
    # The original goes; the forward still shows it, so the bytes stay.
    message_delete(actor=alice, message_id=original["id"])
    call_command("tether_cleanup", stdout=io.StringIO())
    assert as_carol.get(photo["url"]).status_code == 200


def test_a_reply_says_whether_what_it_answers_has_attachments(as_alice, as_bob, chat):
    photo = uploaded(as_alice, b"x", "a.txt")
    original = envelope_data(send(as_alice, chat, [photo["id"]], content="look"), 201)
    reply = as_bob.post(
        "/api/messages",
        {"chat_id": str(chat.pk), "content": "nice", "reply_to_id": original["id"]},
        format="json",
    )
    assert envelope_data(reply, 201)["reply_to"]["has_attachments"] is True
    history = envelope_data(as_bob.get(f"/api/chats/{chat.pk}/messages"))
    assert history[-1]["reply_to"]["has_attachments"] is True


def test_a_message_with_attachments_may_be_edited_to_no_text(as_alice, chat):
    photo = uploaded(as_alice, b"x", "a.txt")
    message = envelope_data(send(as_alice, chat, [photo["id"]], content="caption"), 201)
    edited = as_alice.patch(f"/api/messages/{message['id']}", {"content": ""}, format="json")
    assert envelope_data(edited)["content"] == ""
    plain = envelope_data(
        as_alice.post("/api/messages", {"chat_id": str(chat.pk), "content": "t"}, format="json"),
        201,
    )
    refused = as_alice.patch(f"/api/messages/{plain['id']}", {"content": ""}, format="json")
    envelope_error(refused, 400, "validation_error")


def test_deleting_a_message_takes_its_attachments_and_the_cleanup_their_bytes(
    as_alice, as_bob, alice, chat
):
    photo = uploaded(as_alice, media_samples.jpeg_with_gps(), "p.jpg")
    message = envelope_data(send(as_alice, chat, [photo["id"]]), 201)
    stored = Attachment.objects.get(pk=photo["id"])
    deleted = message_delete(actor=alice, message_id=message["id"])
    assert deleted["attachments"] == []
    envelope_error(as_bob.get(photo["url"]), 404, "not_found")
    out = io.StringIO()
    call_command("tether_cleanup", stdout=out)
    assert "1 unused" in out.getvalue()
    assert not attachments_storage().exists(stored.file)
    assert not attachments_storage().exists(stored.thumbnail)
    assert not Attachment.objects.exists()


def test_unsent_uploads_go_after_a_day(as_alice, alice, chat):
    old = uploaded(as_alice, b"old", "old.txt")
    fresh = uploaded(as_alice, b"new", "new.txt")
    Attachment.objects.filter(pk=old["id"]).update(created_at=timezone.now() - timedelta(hours=25))
    name = Attachment.objects.get(pk=old["id"]).file
    out = io.StringIO()
    call_command("tether_cleanup", stdout=out)
    assert "Removed 1 unsent" in out.getvalue()
    assert list(Attachment.objects.values_list("pk", flat=True)) == [fresh["id"]] or (
        [str(pk) for pk in Attachment.objects.values_list("pk", flat=True)] == [fresh["id"]]
    )
    assert not attachments_storage().exists(name)
    message_send(sender=alice, chat_id=chat.pk, content="", attachment_ids=[fresh["id"]])


def test_the_pages_upload_with_their_session_and_csrf(alice, settings):
    """The web pages sign in with a Django session, whose CSRF check reads the multipart
    body before the view: the size limit must already apply then."""
    from rest_framework.test import APIClient

    from accounts.authentication import WEB_SESSION_KEY
    from accounts.services.sessions import session_start

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)
    django_session = client.session
    django_session[WEB_SESSION_KEY] = str(session_start(user=alice, user_agent="browser").id)
    django_session.save()
    token = "t" * 32
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    part = SimpleUploadedFile("p.jpg", media_samples.jpeg_with_gps())
    answer = client.post(
        "/api/attachments", {"file": part}, format="multipart", HTTP_X_CSRFTOKEN=token
    )
    assert envelope_data(answer, 201)["kind"] == "image"
    settings.TETHER_MAX_UPLOAD_BYTES = 100
    big = SimpleUploadedFile("big.bin", b"x" * 5000)
    refused = client.post(
        "/api/attachments", {"file": big}, format="multipart", HTTP_X_CSRFTOKEN=token
    )
    envelope_error(refused, 413, "too_large")
    missing_csrf = client.post("/api/attachments", {"file": part}, format="multipart")
    envelope_error(missing_csrf, 403, "permission_denied")
