"""Child processes for the fault tests (not a test module).

python ledger_fault_child.py import URL FIRST_BATCH BATCHES BATCH_SIZE
    appends batches keyed `import-<batch>-<i>`, printing `ACK <batch> <head seq>` after each commit
python ledger_fault_child.py write URL WRITER SECONDS
    appends random small batches for SECONDS, then prints its net movement per account as JSON
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

from nafolo.ledger import EntryDraft, Ledger
from nafolo.store import create_engine

ACCOUNTS = ["SUPPLIER:CONTRACT", "PORT:DAKAR", "TRANSIT:DAKAR-BAMAKO", "DEPOT:BAMAKO-SENOU",
            "DEPOT:KAYES", "REGION:BAMAKO", "LOSS:TRANSIT", "GAIN:DIP"]  # fmt: skip
WHEN = datetime(2026, 6, 1, tzinfo=UTC)


def run_import(url: str, first: int, batches: int, size: int) -> None:
    ledger = Ledger(create_engine(url))
    for batch in range(first, batches):
        drafts = [
            EntryDraft("GO", Decimal(1000 + i).scaleb(-3), "SUPPLIER:CONTRACT", "PORT:DAKAR",
                       "lifting", WHEN, "importer", idempotency_key=f"import-{batch}-{i}")
            for i in range(size)
        ]  # fmt: skip
        entries = ledger.append(drafts)
        print(f"ACK {batch} {entries[-1].seq}", flush=True)


def run_writer(url: str, writer: int, seconds: float) -> None:
    ledger = Ledger(create_engine(url))
    rng = random.Random(writer)
    net: dict[str, int] = defaultdict(int)
    entries = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        drafts = []
        for _ in range(rng.randint(1, 8)):
            source, target = rng.sample(ACCOUNTS, 2)
            minor = rng.randint(1, 50_000_000)
            drafts.append(EntryDraft("GO", Decimal(minor).scaleb(-3), source, target, "move",
                                     WHEN, f"writer-{writer}"))  # fmt: skip
            net[source] -= minor
            net[target] += minor
        ledger.append(drafts)
        entries += len(drafts)
    print(json.dumps({"entries": entries, "net_minor": net}), flush=True)


if __name__ == "__main__":
    command, url, *rest = sys.argv[1:]
    if command == "import":
        run_import(url, int(rest[0]), int(rest[1]), int(rest[2]))
    else:
        run_writer(url, int(rest[0]), float(rest[1]))
