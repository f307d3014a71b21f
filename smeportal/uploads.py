"""Uploaded files are judged by their content and size, never by their name."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from .text import join_list

# filetype needs at most this many leading bytes to recognise a format.
SNIFF_BYTES = 8192
KIND_LABELS = {"pdf": "PDF", "jpg": "JPG", "png": "PNG", "xlsx": "Excel (.xlsx)"}
DOCUMENT_KINDS = frozenset({"pdf", "jpg", "png"})
DOCUMENT_SUFFIXES = frozenset({"pdf", "jpg", "jpeg", "png"})


def random_stored_name(filename: str, *, fallback_suffix: str = "bin") -> str:
    """A random name to store an upload under, keeping only a known document extension of the given name."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    suffix = suffix if suffix in DOCUMENT_SUFFIXES else fallback_suffix
    return f"{uuid.uuid4().hex}.{suffix}" if suffix else uuid.uuid4().hex


def _sniffed(upload) -> filetype.Type | None:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return filetype.guess(head)


def detected_kind(upload) -> str | None:
    """The file's real type by its leading bytes (e.g. 'pdf', 'png', 'xlsx'), or None."""
    kind = _sniffed(upload)
    return kind.extension if kind else None


def check_upload(upload, *, kinds: frozenset[str] = DOCUMENT_KINDS, max_bytes: int | None = None) -> str:
    """Raise ValidationError unless the upload is one of ``kinds`` by content and small enough; return its kind."""
    limit = max_bytes or settings.MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("文件过大（上限 %(limit)s）。"), code="too_large", params={"limit": filesizeformat(limit)}
        )
    kind = detected_kind(upload)
    if kind not in kinds:
        allowed = join_list(KIND_LABELS.get(k, k.upper()) for k in sorted(kinds))
        raise ValidationError(
            _("文件内容不是允许的类型（只接受 %(allowed)s）。"), code="bad_type", params={"allowed": allowed}
        )
    return kind


@deconstructible
class UploadValidator:
    """Field validator for forms, serializers and model FileFields."""

    def __init__(self, kinds=DOCUMENT_KINDS, max_bytes: int | None = None):
        self.kinds = frozenset(kinds)
        self.max_bytes = max_bytes

    def __call__(self, upload):
        check_upload(upload, kinds=self.kinds, max_bytes=self.max_bytes)

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and (self.kinds, self.max_bytes) == (other.kinds, other.max_bytes)


def stored_file_download(stored, original_name: str = "") -> FileResponse:
    """A stored file as a download under the name it was uploaded with (default: the stored one), served as the
    type its content is judged to be and with that type's extension: the uploader's extension would have the
    reader's desktop open a file accepted as a PDF with another program (``.hta``: a script host). 404 when the
    file is gone."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    kind = _sniffed(handle)
    stem = PurePosixPath(original_name or stored.name).stem
    if kind is None or kind.extension not in KIND_LABELS:
        # Not a kind the portal accepts (a file replaced in storage): bare bytes, no extension to act on.
        return FileResponse(handle, as_attachment=True, filename=stem, content_type="application/octet-stream")
    return FileResponse(handle, as_attachment=True, filename=f"{stem}.{kind.extension}", content_type=kind.mime)
