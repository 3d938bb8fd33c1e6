"""Phone numbers: checking what clerks type, and masking them for reports."""

from __future__ import annotations

import re
import unicodedata

from ledger.domain.errors import LedgerError

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(0\d{2,3})-?(\d{7,8})(-\d{1,6})?$")
_LOCAL = re.compile(r"^\d{7,8}$")
_SERVICE = re.compile(r"^\d{5}$")  # 12345, 95598 …
_SPACES = re.compile(r"[\s()（）]")
_COUNTRY = re.compile(r"^\+?86-?")


def normalise_phone(text: str) -> str:
    """A mobile (13812345678), a landline (0537-1234567) or a service number; else refused."""
    if text.isdigit() and text.isascii():  # digits only: nothing to normalise or take out
        value = compact = text[2:] if text.startswith("86") else text
    else:
        value = unicodedata.normalize("NFKC", text).strip()
        value = _SPACES.sub("", value).replace("—", "-")
        value = _COUNTRY.sub("", value)
        compact = value.replace("-", "")
    if _MOBILE.match(compact):
        return compact
    landline = _LANDLINE.match(value) or _LANDLINE.match(compact)
    if landline:
        area, number, extension = landline.groups()
        return f"{area}-{number}{extension or ''}"
    if _LOCAL.match(compact) or _SERVICE.match(compact):
        return compact
    raise LedgerError(
        f"“{text}”不是有效的电话号码（手机 11 位，如 13812345678；座机如 0537-1234567）"
    )


def mask_phone(phone: str | None) -> str:
    """138****1234 for mobiles; the middle digits of other numbers likewise hidden."""
    if not phone:
        return ""
    digits = phone.replace("-", "")
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if len(phone) <= 4:
        return phone
    keep = max(len(phone) - 8, 2)
    return phone[:keep] + "*" * (len(phone) - keep - 4) + phone[-4:]
