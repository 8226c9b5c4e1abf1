"""Photos of catalogue items: PNG or JPEG, at most 2 MB, checked by their content (not the name the browser sent),
stored under the data folder per coop (photos/<coop id>/<item id>-<random>.png) and served only through routes
that check the coop (and, in the public shop, that the item is public)."""

from __future__ import annotations

import io
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import structlog
from litestar.exceptions import NotFoundException

from osuus.platform.http import Form
from osuus.platform.i18n import N_
from osuus.platform.settings import get_settings

log = structlog.get_logger(__name__)

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 10_000  # pixels: a larger image is a mistake (or a decompression bomb)
# The upload route accepts a little more than the photo, so that a slightly too big photo gets a clear message.
BODY_LIMIT = MAX_BYTES + 256 * 1024
TYPES = {"png": "image/png", "jpeg": "image/jpeg"}
_EXTENSIONS = {"png": "png", "jpeg": "jpg"}
_NAME = re.compile(r"^[0-9]{1,19}-[0-9a-f]{16}\.(png|jpg)$")
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


@dataclass(frozen=True)
class Image:
    kind: str  # png | jpeg


@dataclass(frozen=True)
class PhotoFile:
    path: Path
    media_type: str


def _by_header(data: bytes) -> str | None:
    if data.startswith(_PNG):
        return "png"
    if data.startswith(_JPEG):
        return "jpeg"
    return None


def sniff(data: bytes) -> str | None:
    """ "png" or "jpeg" by the file's content; None for anything else (or a broken image)."""
    kind = _by_header(data)
    if kind is None:
        return None
    try:
        from PIL import Image as PilImage
    except ImportError:  # Pillow is optional: the header bytes are then the check
        return kind
    try:
        with PilImage.open(io.BytesIO(data)) as image:
            found = (image.format or "").lower()
            width, height = image.size
            image.verify()
    except Exception:  # any decoding problem means "not a photo we take"
        return None
    if found != kind or width > MAX_SIDE or height > MAX_SIDE:
        return None
    return kind


def check(data: bytes, form: Form) -> Image | None:
    if not data:
        form.error("photo", N_("Choose a photo to send"))
        return None
    if len(data) > MAX_BYTES:
        form.error("photo", N_("The photo is too large. Send a photo of 2 MB or less"))
        return None
    kind = sniff(data)
    if kind is None:
        form.error("photo", N_("Send the photo as a PNG or JPEG file"))
        return None
    return Image(kind)


def folder(coop_id: int) -> Path:
    return get_settings().data_dir / "photos" / str(int(coop_id))


def store(coop_id: int, item_id: int, data: bytes, image: Image) -> str:
    """Write the photo under a new random name (written to a temporary file first, then renamed)."""
    name = f"{int(item_id)}-{secrets.token_hex(8)}.{_EXTENSIONS[image.kind]}"
    target = folder(coop_id)
    target.mkdir(parents=True, exist_ok=True)
    temporary = target / f".{name}.tmp"
    temporary.write_bytes(data)
    os.replace(temporary, target / name)
    return name


def delete(coop_id: int, name: str) -> None:
    if _NAME.match(name):
        try:
            (folder(coop_id) / name).unlink(missing_ok=True)
        except OSError:  # a leftover file is harmless; the row no longer names it
            log.warning("catalogue.photo_not_deleted", coop_id=coop_id, name=name)


def open_photo(coop_id: int, name: str) -> PhotoFile:
    """The stored photo named by an item row; 404 when there is none."""
    if not _NAME.match(name):
        raise NotFoundException()
    path = folder(coop_id) / name
    if not path.is_file():
        raise NotFoundException()
    return PhotoFile(path, TYPES["png" if name.endswith(".png") else "jpeg"])
