"""The workbooks a clerk works from: ``reconcile.xlsx`` and the annotated copies of the inputs.

``write_annotated_copies`` runs first, so that ``write_reconcile_workbook`` can link each
finding's row into the annotated copy of its file.
"""

from __future__ import annotations

from edupoverty.io.workbook.annotate import AnnotatedCopies, write_annotated_copies
from edupoverty.io.workbook.reconcile_book import write_reconcile_workbook

__all__ = ["AnnotatedCopies", "write_annotated_copies", "write_reconcile_workbook"]
