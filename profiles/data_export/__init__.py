"""Download my data: everything the system holds about the person who asks, as one JSON document.

A hospital's data-protection officer expects each person to be able to read what is kept about them (the right of
access). What is kept lives in every app, and profiles, the lowest, may import none of the others: each app
registers the sections it owns (`export_section_register`, as they register their deactivation effects), reading
them through its own selectors, so the file never shows a person more than that app's pages show them.

- `registry`: the registration, the document (`data_export_for`) and how often a person may take it.
- `sections`: profiles' own sections: the account, both profiles and the goals.
"""

from profiles.data_export.registry import (
    DATA_EXPORTS_PER_HOUR,
    DataExportSerializer,
    DataExportTooOften,
    ExportSection,
    RelatedNamesField,
    data_export_filename,
    data_export_for,
    data_export_json,
    export_section_register,
)

__all__ = [
    "DATA_EXPORTS_PER_HOUR",
    "DataExportSerializer",
    "DataExportTooOften",
    "ExportSection",
    "RelatedNamesField",
    "data_export_filename",
    "data_export_for",
    "data_export_json",
    "export_section_register",
]
