"""Paired benchmark headsets: officers and device tokens seeded in the appliance's records."""

from __future__ import annotations

from pathlib import Path

from appliance.records.db import open_db
from appliance.records.officers import create_officer
from appliance.records.pairing import create_code, redeem_code
from appliance.records.users import insert_user

LIFETIME_S = 6 * 3600.0


def pair_devices(records_path: Path, n: int) -> list[str]:
    """Create ``n`` officers, each with a paired device; return their bearer tokens.

    Runs before the appliance starts, on its fresh records file. The seeding account has no
    usable password hash, so nobody can log in with it.
    """
    with open_db(records_path) as conn:
        seeder = insert_user(conn, "benchmark-seeder", "!", "instructor", "Benchmark seeder")
        tokens = []
        for i in range(n):
            officer = create_officer(
                conn, f"Officer Bench {i}", post_id=f"BENCH-{i}", agency="Benchmark"
            )
            code, _ = create_code(conn, str(officer["id"]), seeder.id, LIFETIME_S)
            tokens.append(redeem_code(conn, code, f"benchmark headset {i}", LIFETIME_S).token)
    return tokens
