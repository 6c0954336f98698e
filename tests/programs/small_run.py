"""A small run through the real warehouse resource and publishing, for tests that need a second
process: ``python -m tests.programs.small_run WAREHOUSE EXPORTS VALUE [sleep SECONDS | fail]``.

It writes ``raw.numbers`` (one row holding VALUE), then ``marts.doubled``, then two export files;
``sleep`` pauses inside the second step (so a test can kill it mid-run), ``fail`` fails the last
step. The run is recorded in the instance at DAGSTER_HOME when that is set."""

from __future__ import annotations

import os
import sys
import time

import dagster as dg
import pandas as pd

from asker_pipeline.filesystem import write_bytes_atomic
from asker_pipeline.resources import Warehouse
from asker_pipeline.schema import Column, Table
from asker_pipeline.warehouse import replace_table

NUMBERS = Table("raw.numbers", "Test numbers.", (Column("n", "INTEGER", "A test number."),))
DOUBLED = Table("marts.doubled", "Test numbers doubled.", (Column("n", "INTEGER", "Doubled."),))


def assets(value: int, mode: str, seconds: float):
    @dg.asset(key=NUMBERS.asset_key)
    def numbers(warehouse: Warehouse) -> None:
        with warehouse.get_connection() as conn:
            replace_table(conn, NUMBERS, pd.DataFrame({"n": [value]}))

    @dg.asset(key=DOUBLED.asset_key, deps=[numbers])
    def doubled(warehouse: Warehouse) -> None:
        if mode == "sleep":
            print("sleeping", flush=True)
            time.sleep(seconds)
        with warehouse.get_connection() as conn:
            replace_table(conn, DOUBLED, pd.DataFrame({"n": [value * 2]}))

    @dg.asset(key=["exports", "files"], deps=[doubled])
    def files(warehouse: Warehouse) -> None:
        folder = warehouse.exports_path()
        write_bytes_atomic(folder / "a.txt", f"a {value}\n".encode())
        write_bytes_atomic(folder / "sub" / "b.txt", f"b {value}\n".encode())
        if mode == "fail":
            raise dg.Failure("this step fails on purpose")

    return [numbers, doubled, files]


def run(
    database: str, exports: str, value: int, mode: str = "", seconds: float = 0.0, wait=5.0
):
    instance = dg.DagsterInstance.get() if "DAGSTER_HOME" in os.environ else None
    warehouse = Warehouse(database=database, exports_dir=exports, lock_wait_seconds=wait)
    return dg.materialize(
        assets(value, mode, seconds),
        resources={"warehouse": warehouse},
        instance=instance,
        raise_on_error=False,
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    result = run(args[0], args[1], int(args[2]), *(args[3:4]), *map(float, args[4:5]))
    sys.exit(0 if result.success else 1)
