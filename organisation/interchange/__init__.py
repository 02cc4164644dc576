"""The import/export kinds of ../shared/formats.md, and the one code path that the web pages and the
``import_data`` / ``export_data`` commands share.

- registry: each app registers its kinds (in AppConfig.ready) with a django-import-export Resource;
- reading: an uploaded CSV or XLSX read into a checked table, within the limits;
- importing: a Resource run all-or-nothing, every failure named by sheet row and column;
- writing: formula-safe CSV, XLSX and JSON;
- responses: HTTP attachments.
"""

from .importing import ImportReport, RowPreview, confirm_pending, import_file, run_import
from .reading import ImportFileError, RowError, Table, read_cells, read_table
from .registry import Kind, get_kind, kind_names, kinds, register
from .responses import attachment, download_response
from .writing import CONTENT_TYPES, FORMATS, blank_template, export_dataset, formula_safe, write

__all__ = [
    "CONTENT_TYPES", "FORMATS", "ImportFileError", "ImportReport", "Kind", "RowError", "RowPreview", "Table",
    "attachment", "blank_template", "confirm_pending", "download_response", "export_dataset", "formula_safe", "get_kind",
    "import_file", "kind_names", "kinds", "read_cells", "read_table", "register", "run_import", "write",
]
