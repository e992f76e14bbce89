"""What an upload is, and its bytes made safe to share (contract: "Attachments").

An upload that Pillow fully decodes as a JPEG, PNG, GIF or WebP image of at most
TETHER_IMAGE_MAX_PIXELS is an image: it is re-encoded in its own format from its pixels alone,
its orientation applied first, so no metadata block (EXIF with GPS, XMP, comments, colour
profiles) survives; it gets a thumbnail. Anything else (a truncated image, a decompression
bomb, SVG, HTML) is a file: kept byte for byte and only ever served as a download.
"""

import io
import mimetypes
import posixpath
import warnings
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
THUMBNAIL_SIDE = 320
MAX_NAME = 255
# Animated images: every frame is decoded, so their pixels count together (within reason).
MAX_FRAMES = 1000
# What an image's own ``info`` may carry into its re-encoding: how it draws, nothing about
# where it came from.
_DRAWING_INFO = {"transparency", "duration", "loop", "background", "disposal", "blend"}
_DECODE_ERRORS = (
    UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, MemoryError,
    Image.DecompressionBombError, Image.DecompressionBombWarning,
)  # fmt: skip


@dataclass(frozen=True)
class Upload:
    """What will be stored: ``body`` (bytes of a clean image, or the upload as sent)."""

    kind: str  # "image" or "file"
    name: str
    content_type: str
    body: IO[bytes]
    size: int
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None
    thumbnail_type: str | None = None


def clean_name(name: str | None) -> str:
    """The client's file name without any path, at most 255 characters (the extension kept
    when it has to be shortened)."""
    base = posixpath.basename((name or "").replace("\\", "/")).strip().replace("\x00", "")
    base = "".join(ch for ch in base if ch.isprintable()) or "file"
    if len(base) <= MAX_NAME:
        return base
    stem, dot, extension = base.rpartition(".")
    if dot and 0 < len(extension) <= 16:
        return stem[: MAX_NAME - len(extension) - 1] + "." + extension
    return base[:MAX_NAME]


def file_content_type(name: str) -> str:
    """What the name's extension says, else ``application/octet-stream``."""
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


def prepare(source: IO[bytes], name: str | None, size: int) -> Upload:
    """Look at an upload (a seekable file) and say what to store."""
    name = clean_name(name)
    image = _clean_image(source)
    if image is None:
        source.seek(0)
        return Upload("file", name, file_content_type(name), source, size)
    body, content_type, width, height, thumbnail, thumbnail_type = image
    return Upload(
        "image", name, content_type, io.BytesIO(body), len(body), width, height,
        thumbnail, thumbnail_type,
    )  # fmt: skip


def _clean_image(source: IO[bytes]):
    source.seek(0)
    limit = settings.TETHER_IMAGE_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow warns (then errs) about bombs at its own limits; ours is stricter.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source, formats=list(IMAGE_TYPES)) as opened:
                pixels = opened.width * opened.height
                frames = getattr(opened, "n_frames", 1)
                if not pixels or pixels > limit or frames > MAX_FRAMES:
                    return None
                if pixels * frames > limit * 4:
                    return None
                return _reencode(opened)
    except _DECODE_ERRORS:
        return None


def _reencode(opened: Image.Image):
    """Every frame decoded in full (a truncated file fails here), turned upright, and written
    again from its pixels with nothing but how to draw it."""
    image_format = opened.format
    frames = []
    for frame in ImageSequence.Iterator(opened):
        frame.load()
        upright = ImageOps.exif_transpose(frame) if image_format in ("JPEG", "WEBP") else frame
        clean = upright.copy()
        clean.info = {k: v for k, v in frame.info.items() if k in _DRAWING_INFO}
        frames.append(clean)
    first = frames[0]
    out = io.BytesIO()
    if image_format == "JPEG":
        if first.mode not in ("L", "RGB", "CMYK"):
            first = first.convert("RGB")
        first.save(out, "JPEG", quality=90, optimize=True)
    elif image_format == "PNG":
        first.save(out, "PNG", optimize=False, **_kept(first, "transparency"))
    elif image_format == "GIF":
        _save_animated(out, "GIF", frames)
    else:  # WEBP
        _save_animated(out, "WEBP", frames, quality=90)
    thumbnail, thumbnail_type = _thumbnail(first)
    return (
        out.getvalue(),
        IMAGE_TYPES[image_format],
        first.width,
        first.height,
        thumbnail,
        thumbnail_type,
    )


def _kept(frame: Image.Image, *keys: str) -> dict:
    return {key: frame.info[key] for key in keys if key in frame.info}


def _save_animated(out: IO[bytes], image_format: str, frames: list, **options) -> None:
    first = frames[0]
    if len(frames) > 1:
        options.update(
            save_all=True,
            append_images=frames[1:],
            duration=[frame.info.get("duration", 100) for frame in frames],
            loop=first.info.get("loop", 0),
        )
    if image_format == "GIF":
        options.update(_kept(first, "transparency", "background"))
    first.save(out, image_format, **options)


def _thumbnail(image: Image.Image) -> tuple[bytes, str]:
    """At most THUMBNAIL_SIDE on the longer side: JPEG, or WebP where there is transparency."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    thumb = image.convert("RGBA" if has_alpha else "RGB")
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    out = io.BytesIO()
    if has_alpha:
        thumb.save(out, "WEBP", quality=80)
        return out.getvalue(), "image/webp"
    thumb.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue(), "image/jpeg"
