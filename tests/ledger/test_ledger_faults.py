"""Faults: kill -9 in the middle of an import; eight concurrent writer processes.

The concurrency test runs 5 s per writer by default, 60 s when NAFOLO_FULL_FAULTS=1.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from ledger_support import setup_network
from sqlalchemy.engine import Engine

from nafolo.ledger import Ledger
from nafolo.store import create_engine

CHILD = Path(__file__).with_name("ledger_fault_child.py")
BATCHES, BATCH_SIZE = 100, 1000
WRITERS = 8
WRITER_SECONDS = 60.0 if os.environ.get("NAFOLO_FULL_FAULTS") == "1" else 5.0


def child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args], stdout=subprocess.PIPE, text=True, bufsize=1
    )


@pytest.mark.slow
def test_kill_9_mid_import_loses_no_acknowledged_batch_and_half_writes_none(
    store_url: str, engine: Engine
) -> None:
    ledger = Ledger(engine)
    setup_network(ledger)
    importer = child("import", store_url, "0", str(BATCHES), str(BATCH_SIZE))
    assert importer.stdout is not None
    acknowledged: list[tuple[int, int]] = []
    for line in importer.stdout:
        _, batch, seq = line.split()
        acknowledged.append((int(batch), int(seq)))
        if len(acknowledged) == 30:
            importer.send_signal(signal.SIGKILL)
            break
    importer.wait()
    assert importer.returncode == -signal.SIGKILL

    restarted = Ledger(create_engine(store_url))
    report = restarted.verify()
    assert report.ok, report
    head = restarted.head().seq
    assert head % BATCH_SIZE == 0, "a batch is half-written"
    assert head >= acknowledged[-1][1], "an acknowledged batch is missing"
    last_batch = acknowledged[-1][0]
    (first_of_last_batch,) = restarted.entries(after_seq=last_batch * BATCH_SIZE, limit=1)
    assert first_of_last_batch.idempotency_key == f"import-{last_batch}-0"

    resumed = child("import", store_url, str(last_batch), str(BATCHES), str(BATCH_SIZE))
    resumed.communicate(timeout=300)
    assert resumed.returncode == 0
    assert restarted.head().seq == BATCHES * BATCH_SIZE
    assert restarted.verify().ok


@pytest.mark.slow
def test_concurrent_writers_keep_the_chain_linear_and_conserve_balances(
    store_url: str, engine: Engine
) -> None:
    ledger = Ledger(engine)
    setup_network(ledger)
    writers = [child("write", store_url, str(w), str(WRITER_SECONDS)) for w in range(WRITERS)]
    outputs = [w.communicate(timeout=WRITER_SECONDS + 120)[0] for w in writers]
    assert [w.returncode for w in writers] == [0] * WRITERS
    results = [json.loads(out) for out in outputs]
    expected: dict[str, int] = {}
    for result in results:
        for account, minor in result["net_minor"].items():
            expected[account] = expected.get(account, 0) + minor

    report = ledger.verify()
    assert report.ok, report
    assert ledger.head().seq == sum(r["entries"] for r in results)
    balances = {b.account: int(b.quantity.scaleb(3)) for b in ledger.balances(commodity="GO")}
    assert balances == {a: m for a, m in expected.items() if m != 0}
    assert sum(balances.values()) == 0
