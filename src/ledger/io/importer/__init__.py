"""Bringing existing spreadsheets in: ``ledger import items | areas | units``.

reading (opening untrusted .xlsx/.csv safely) → headers (column wordings as data) → rows
(where the header is, which rows are data) → values (one cell) → items / areas / units
(checking every row, then writing all of it in one transaction).
"""

from __future__ import annotations

from ledger.io.importer.areas import import_areas
from ledger.io.importer.items import import_items
from ledger.io.importer.report import ImportOutcome, ImportRefused, Problem
from ledger.io.importer.units import import_units

__all__ = [
    "ImportOutcome",
    "ImportRefused",
    "Problem",
    "import_areas",
    "import_items",
    "import_units",
]
