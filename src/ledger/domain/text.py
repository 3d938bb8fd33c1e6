"""Free text from a keyboard, a spreadsheet or another ledger, made safe to store and show.

Every free-text value (titles, notes, results, replies, who reported, hosts, contacts, names
of places, units, meetings and categories) goes through :func:`clean` before it is stored,
whatever path brings it in: the CLI, ``ledger import`` and ``ledger merge`` alike. Text is
stored the way it will be shown, so a terminal or a workbook never receives a control
sequence that someone pasted or planted.

What is removed:

- control characters (C0 except tab and newline, DEL ``\\x7f``, C1 ``\\x80–\\x9f``): ESC
  sequences would clear a clerk's screen or recolour it when ``ledger show`` prints them;
- bidirectional overrides, embeddings and isolates (U+202A–U+202E, U+2066–U+2069), which make
  text read differently from what it is ("Trojan Source");
- zero-width characters (U+200B–U+200D, U+2060, U+FEFF), so text made only of them is empty,
  as ``''`` is.

Each kind of field has its own length limit (:data:`LIMITS`).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from ledger.domain.errors import LedgerError

# C0 controls except \t \n (\r becomes a newline first), DEL, C1 controls, and lone
# surrogates (bytes that were not UTF-8, passed on by Python's surrogateescape).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Bidi embeddings/overrides/isolates and the implicit marks; zero-width characters and BOM.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_SPACES = re.compile(r"[ \t\u3000]*\n[ \t\u3000]*")
_ONE_LINE_SPACE = re.compile(r"[\s\u3000]+")
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})

# Field kind → (longest allowed, may span several lines).
LIMITS: dict[str, tuple[int, bool]] = {
    "title": (2000, True),  # 问题描述
    "note": (4000, True),  # notes, results, replies, reasons, meeting records
    "person": (100, False),  # 反映人, 主持人, 联系人, who recorded
    "name": (50, False),  # a place, a unit, a category
    "path": (300, False),  # 区县/街道/社区/小区/楼栋 written out
}


def strip_unsafe(value: str) -> str:
    """``value`` without control, format (bidi, zero-width, soft hyphen, tags …) and
    surrogate characters; line breaks kept as ``\\n``, tabs kept; no trimming, no length check."""
    value = _INVISIBLE.sub("", _CONTROL.sub("", _LINE_BREAKS.sub("\n", value)))
    if value.isascii():
        return value
    # The rest of Unicode's "other" characters, by category (Cc control, Cf format,
    # Cs surrogate); private-use characters stay: some fonts put rare 汉字 there.
    return "".join(
        c for c in value if c in "\n\t" or unicodedata.category(c) not in _UNSAFE_CATEGORIES
    )


def clean(
    value: str | None, kind: str, what: str, *, required: bool = False, limit: int | None = None
) -> str | None:
    """``value`` cleaned for a field of ``kind`` (see :data:`LIMITS`), or None when empty.

    ``what`` names the field in the messages (``问题描述``). Empty — including text made only
    of spaces or invisible characters — raises when ``required``; longer than ``limit`` (by
    default the kind's) always raises.
    """
    if value is None:
        if required:
            raise LedgerError(f"{what}不能为空")
        return None
    longest, multiline = LIMITS[kind]
    limit = limit or longest
    # A name is one line: tabs and line breaks in it would break tables and file names.
    spaces, joiner = (_SPACES, "\n") if multiline else (_ONE_LINE_SPACE, " ")
    text = spaces.sub(joiner, strip_unsafe(str(value))).strip()
    if not text:
        if required:
            raise LedgerError(f"{what}不能为空")
        return None
    if len(text) > limit:
        raise LedgerError(f"{what}过长（{len(text)} 字，最多 {limit} 字）")
    return text


def required(value: str | None, kind: str, what: str) -> str:
    """:func:`clean` for a field that must not be empty."""
    text = clean(value, kind, what, required=True)
    assert text is not None
    return text


# What Excel (and WPS) run as a formula when it begins a cell: = + - @, and a tab or carriage
# return before them (docs/storage.md, "Spreadsheets").
_FORMULA_START = frozenset("=+-@\t\r")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would take ``text`` for a formula: it starts with = + - @ (also
    full-width or other forms NFKC turns into them, ＝ ﹢ ⁺), a tab or a carriage return."""
    return bool(text) and _formula_first(text[0])


@functools.cache
def _formula_first(first: str) -> bool:
    return unicodedata.normalize("NFKC", first)[:1] in _FORMULA_START
