"""restore refuses while an appliance holds the records; a second appliance cannot start on them."""

from __future__ import annotations

from pathlib import Path

import pytest

from appliance.errors import RecordsError
from appliance.records.backup import copy_database
from appliance.records.db import open_db
from appliance.records.lock import hold_records, running_holder
from appliance.records.restore import restore


def test_restore_refuses_while_the_records_are_held(tmp_path: Path) -> None:
    db, backup = tmp_path / "records.sqlite3", tmp_path / "backup.sqlite3"
    with open_db(db):
        pass
    copy_database(db, backup)
    with hold_records(db):
        assert running_holder(db) is not None
        with pytest.raises(RecordsError, match="appliance is running .* stop it first"):
            restore(backup, db)
        with pytest.raises(RecordsError, match="in use by another running appliance"):
            with hold_records(db):
                pass
    assert running_holder(db) is None  # released: restore goes ahead
    restore(backup, db)
