"""Names that become file names: made safe in one place, and kept inside their folder.

Report, reminder and export file names are built from names stored in the ledger (a
subdistrict, a county, a unit). Those names may come from another office's ledger through
``ledger merge`` and may hold anything: ``/``, ``..``, characters Windows forbids, a
reserved device name, 300 字. :func:`safe_name` turns any of them into one harmless file-name
part; :func:`inside` refuses a path that would land outside the chosen folder.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ledger.domain.errors import LedgerError
from ledger.domain.text import strip_unsafe

# Path separators, Windows' forbidden characters, and every control character.
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
    | {"com¹", "com²", "com³", "lpt¹", "lpt²", "lpt³"}
)
# Most file systems allow 255 bytes per name; the rest of a report's name (month, kind,
# .xlsx, a temporary suffix) needs about 80 of them.
MAX_BYTES = 120
_HASH_LENGTH = 8


def safe_name(name: str, fallback: str = "未命名") -> str:
    """``name`` as one safe part of a file name.

    No path separators, no ``..``, no characters or device names Windows forbids, no leading
    or trailing dots and spaces, at most :data:`MAX_BYTES` bytes in UTF-8. A name that needed
    any change gets a short hash of the original appended, so two different names never
    become the same file name (``a/b`` and ``a:b`` both read ``a_b`` but differ in the hash).
    """
    cleaned = _FORBIDDEN.sub("_", strip_unsafe(name).replace("\n", " ").replace("\t", " "))
    cleaned = re.sub(r"\.{2,}", "_", cleaned).strip(" .")
    stem = cleaned.split(".", 1)[0].strip(" ").casefold()
    if stem in _RESERVED:
        cleaned = "_" + cleaned
    cleaned = _truncate(cleaned, MAX_BYTES - _HASH_LENGTH - 1)
    if cleaned and cleaned == name and not _looks_hashed(name):
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_LENGTH]
    return f"{cleaned or fallback}-{digest}"


def _looks_hashed(name: str) -> bool:
    # A typed name that already ends like a hash gets one too, so that it cannot be confused
    # with a changed name's result.
    return re.search(rf"-[0-9a-f]{{{_HASH_LENGTH}}}$", name) is not None


def _truncate(text: str, limit: int) -> str:
    encoded = text.encode("utf-8", "surrogatepass")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", "ignore").rstrip(" .")


def inside(folder: Path, file_name: str) -> Path:
    """``folder / file_name``, refused unless it is a file directly inside ``folder``."""
    target = folder / file_name
    if (
        Path(file_name).name != file_name
        or file_name in ("", ".", "..")
        or target.resolve().parent != folder.resolve()
    ):
        raise LedgerError(f"文件名“{file_name}”不安全（会写到“{folder}”之外），未写入")
    return target


def distinct(names: list[str]) -> list[str]:
    """``names`` made distinct even on file systems that ignore letter case (Windows, macOS):
    a repeat gets -2, -3 …"""
    seen: set[str] = set()
    result = []
    for name in names:
        candidate, serial = name, 2
        while candidate.casefold() in seen:
            candidate = f"{name}-{serial}"
            serial += 1
        seen.add(candidate.casefold())
        result.append(candidate)
    return result
