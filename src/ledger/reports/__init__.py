"""The monthly Excel report (街道月报): layouts as data, one writer, and the build that joins
them to :mod:`ledger.views.figures`. openpyxl is imported only when a workbook is written."""
