"""Errors of the records store; ``status`` is the HTTP status an API answers with."""

from __future__ import annotations

from appliance.errors import ApplianceError


class RecordsError(ApplianceError):
    """The records database cannot be opened, migrated, read or written."""

    code = "records_error"
    status = 500


class RecordInvalid(RecordsError):
    """A value given to the records store is unusable (weak password, bad date, bad transcript)."""

    code = "record_invalid"
    status = 400


class RecordNotFound(RecordsError):
    """No record with that id."""

    code = "record_not_found"
    status = 404


class RecordConflict(RecordsError):
    """The write clashes with what is stored (duplicate name, already signed off)."""

    code = "record_conflict"
    status = 409
