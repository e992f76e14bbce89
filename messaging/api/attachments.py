"""``/api/attachments*``: upload (the API's one multipart body), and the bytes behind the
access check: streamed from the file system, or a short-lived signed URL of the bucket."""

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import FileResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import errors
from core.errors import NotFound, TooLarge
from messaging.models import Attachment, attachments_storage
from messaging.payloads import attachment_data
from messaging.serializers import AttachmentSerializer, AttachmentUploadSerializer
from messaging.services.uploads import attachment_for_viewer, attachment_upload

# Files are downloads that can never run in Tether's origin, whatever they hold.
_SANDBOX = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
_CACHE = "private, max-age=86400"


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Spools the upload to a temporary file and stops reading past the size limit."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.TETHER_MAX_UPLOAD_BYTES:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)


class BytesNegotiation(DefaultContentNegotiation):
    """The bytes answer whatever ``Accept`` says (an ``<img>`` asks for images); only errors
    are rendered, always as JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), JSONRenderer.media_type


class AttachmentUploadView(APIView):
    parser_classes = [MultiPartParser]

    def initial(self, request: Request, *args, **kwargs) -> None:
        # Before authentication: a web session's CSRF check reads the multipart body, and
        # the size limit must already be in place when it does.
        self.size_handler = SizeLimitedUploadHandler(request._request)
        request._request.upload_handlers = [self.size_handler]
        super().initial(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **errors(400, 401, 413, 415, 429)},
        summary="Upload an image or a file (multipart, one part `file`)",
    )
    def post(self, request: Request) -> Response:
        handler = self.size_handler
        uploaded = request.FILES.get("file")
        if getattr(handler, "too_large", False):
            raise TooLarge(f"Files are at most {settings.TETHER_MAX_UPLOAD_BYTES // 2**20} MiB.")
        attachment = attachment_upload(
            uploader=request.user,
            source=uploaded.file if uploaded else None,
            name=uploaded.name if uploaded else None,
            size=uploaded.size if uploaded else 0,
        )
        return Response(attachment_data(attachment), status=status.HTTP_201_CREATED)


class _BytesView(APIView):
    content_negotiation_class = BytesNegotiation

    def _serve(self, attachment: Attachment, name: str, content_type: str, inline: bool):
        storage = attachments_storage()
        disposition = content_disposition_header(not inline, attachment.name)
        if settings.TETHER_MEDIA_STORAGE == "s3":
            url = storage.url(
                name,
                parameters={
                    "ResponseContentType": content_type,
                    "ResponseContentDisposition": disposition,
                    "ResponseCacheControl": _CACHE,
                },
                expire=settings.TETHER_SIGNED_URL_SECONDS,
            )
            response = HttpResponseRedirect(url)
            response["Cache-Control"] = "private, no-store"
            return response
        response = FileResponse(storage.open(name, "rb"), content_type=content_type)
        response["Content-Disposition"] = disposition
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = _SANDBOX
        response["Cache-Control"] = _CACHE
        return response


_BYTES = OpenApiResponse(OpenApiTypes.BINARY, description="The bytes (302 to a signed URL on S3).")


class AttachmentContentView(_BytesView):
    @extend_schema(
        responses={200: _BYTES, 302: OpenApiResponse(description="Signed URL"), **errors(401, 404)},
        summary="An attachment's bytes (uploader and members of chats showing it)",
    )
    def get(self, request: Request, attachment_id):
        attachment = attachment_for_viewer(viewer=request.user, attachment_id=attachment_id)
        image = attachment.kind == Attachment.Kind.IMAGE
        content_type = attachment.content_type if image else _download_type(attachment)
        return self._serve(attachment, attachment.file, content_type, inline=image)


class AttachmentThumbnailView(_BytesView):
    @extend_schema(
        responses={200: _BYTES, 302: OpenApiResponse(description="Signed URL"), **errors(401, 404)},
        summary="An image's thumbnail, at most 320 px (not an image: 404)",
    )
    def get(self, request: Request, attachment_id):
        attachment = attachment_for_viewer(viewer=request.user, attachment_id=attachment_id)
        if attachment.kind != Attachment.Kind.IMAGE or not attachment.thumbnail:
            raise NotFound("Only images have thumbnails.")
        return self._serve(
            attachment, attachment.thumbnail, _thumbnail_type(attachment), inline=True
        )


def _download_type(attachment: Attachment) -> str:
    return attachment.content_type or "application/octet-stream"


def _thumbnail_type(attachment: Attachment) -> str:
    """JPEG, or WebP for images with transparency (messaging.media): its stored name says."""
    return "image/webp" if attachment.thumbnail.endswith(".webp") else "image/jpeg"
