"""Images and files as people upload them, made in memory for the attachment tests."""

import io

from PIL import Image, PngImagePlugin

GPS_MARK = b"55.7558"


def jpeg_with_gps(width: int = 400, height: int = 200) -> bytes:
    """A photo as a phone writes it: EXIF with the camera, GPS and an orientation that
    turns it on its side (6: rotate 90), a comment and a colour profile."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "SpyPhone"
    exif[0x8825] = {1: "N", 2: (55.0, 45.0, 20.88), 3: "E", 4: (37.0, 37.0, 4.0)}
    exif[0x9286] = GPS_MARK  # a user comment that would give the place away
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"at home", icc_profile=b"\0" * 128)
    return out.getvalue()


def png_with_text(width: int = 600, height: int = 300, alpha: bool = True) -> bytes:
    image = Image.new("RGBA" if alpha else "RGB", (width, height), (0, 120, 0))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Leaky Author")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def gif_animated(frames: int = 3) -> bytes:
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)]
    images = [Image.new("RGB", (40, 30), colours[n % 4]).convert("P") for n in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=80, loop=0,
                   comment=b"gif comment")  # fmt: skip
    return out.getvalue()


def bomb_png() -> bytes:
    """48 megapixels in a few kilobytes: over the 40-megapixel limit."""
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))
