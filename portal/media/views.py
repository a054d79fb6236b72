"""Serving uploaded media to signed-in people, from the default storage."""

from __future__ import annotations

import re
from typing import IO

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_safe

from portal.accounts.models import User
from portal.media import selectors

# A name is never reused for other content (each upload has its own key): cache for a year,
# in the person's browser only, and never ask again.
CACHE_CONTROL = "private, max-age=31536000, immutable"
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class _MediaResponse(FileResponse):
    block_size = 64 * 1024


class _Slice:
    """``length`` bytes of ``file`` from where it stands; closes the file with the response."""

    def __init__(self, file: IO[bytes], length: int) -> None:
        self._file = file
        self._left = length

    def read(self, size: int = -1) -> bytes:
        size = self._left if size < 0 else min(size, self._left)
        chunk = self._file.read(size) if size else b""
        self._left -= len(chunk)
        return chunk

    def close(self) -> None:
        self._file.close()


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """``(first, last)`` of a single ``Range: bytes=`` request, None to send the whole file.

    Several ranges at once are answered with the whole file, which HTTP allows; browsers ask
    for one range when a person seeks in a recording. Raises ValueError when unsatisfiable.
    """
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match[1], match[2]
    if not first:
        if not last:
            return None
        # The last ``last`` bytes.
        start, end = max(0, size - int(last)), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
        if last and int(last) < start:
            return None
    if start >= size or end < start:
        raise ValueError
    return start, end


@login_required
@require_safe
def serve(request: HttpRequest, name: str) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]  # login_required let only them in
    found = selectors.stored_file_for(user=user, name=name)
    if found is None:
        raise Http404
    try:
        file = default_storage.open(found.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    size = file.size
    try:
        wanted = _byte_range(request.headers.get("Range", ""), size)
    except ValueError:
        file.close()
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    response: HttpResponseBase
    if wanted is None:
        response = _MediaResponse(file, content_type=found.content_type)
    else:
        start, end = wanted
        file.seek(start)
        response = _MediaResponse(
            _Slice(file, end - start + 1), status=206, content_type=found.content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(size if wanted is None else wanted[1] - wanted[0] + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = CACHE_CONTROL
    # Uploads are never run or guessed at: served as the type their content was checked to be.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
