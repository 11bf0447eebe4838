"""What only the PostgreSQL backend has: migrations, its error messages, several writing
processes, the PostGIS index. The contract itself is tests/test_store_contract.py, which runs
on PostgreSQL too; these tests open real stores in the session's throwaway database."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from ceasefire.domain import RecordKind, RecordRef
from ceasefire.domain.errors import (
    InvalidInputError,
    NotFoundError,
    StorageUnavailableError,
)
from ceasefire.ledger.note import Signer
from ceasefire.store import ObservationQuery, open_store
from ceasefire.store.postgres import PostgresStore
from ceasefire.store.postgres_connect import connect, public_url
from ceasefire.store.postgres_schema import migrate, newest
from pg_helpers import ThrowawayDatabase
from test_store_contract import obs

ORIGIN = "test.example/pg"


def schema_rows(url: str) -> list[tuple[int, str]]:
    with connect(url) as db:
        return [(int(v), str(n)) for v, n in db.execute(
            "SELECT version, name FROM schema_version ORDER BY version")]


def test_a_new_database_is_migrated_once_and_reopening_changes_nothing(
    pg: ThrowawayDatabase,
) -> None:
    url = pg.fresh_url()
    open_store(url).close()
    first = schema_rows(url)
    assert [v for v, _ in first] == list(range(1, newest() + 1))
    store = open_store(url)
    store.add_observations([obs(1)])
    store.close()
    with connect(url) as db:
        assert migrate(db, url) == []  # nothing left to apply
    assert schema_rows(url) == first
    assert open_store(url).count_observations() == 1


def test_a_database_of_a_newer_version_is_refused_untouched(pg: ThrowawayDatabase) -> None:
    url = pg.fresh_url()
    open_store(url).close()
    with connect(url) as db:
        db.execute("INSERT INTO schema_version (version, name) VALUES (%s, 'from_the_future')",
                   (newest() + 1,))
    for readonly in (False, True):
        with pytest.raises(StorageUnavailableError, match=f"version {newest() + 1}.*upgrade"):
            open_store(url, readonly=readonly)
    assert len(schema_rows(url)) == newest() + 1


def test_read_only_opening_never_creates_and_never_writes(pg: ThrowawayDatabase) -> None:
    url = pg.fresh_url()
    with pytest.raises(NotFoundError, match="holds no ceasefire store"):
        open_store(url, readonly=True)
    with connect(url) as db:
        tables = db.execute("SELECT to_regclass('schema_version')").fetchone()
    assert tables == (None,)  # the read-only attempt created nothing
    writer = open_store(url)
    writer.add_observations([obs(1)])
    reader = open_store(url, readonly=True)
    assert reader.count_observations() == 1
    with pytest.raises(StorageUnavailableError, match="read-only"):
        reader.add_observations([obs(2)])
    assert writer.count_observations() == 1


def test_no_server_and_no_database_say_what_to_do(pg: ThrowawayDatabase) -> None:
    with pytest.raises(StorageUnavailableError, match=r"cannot connect to PostgreSQL.*server runs"):
        open_store("postgresql://root@127.0.0.1:1/ceasefire")
    missing = pg.url.rsplit("/", 1)[0] + "/ceasefire_no_such_db"
    with pytest.raises(NotFoundError, match=r"'ceasefire_no_such_db' does not exist.*createdb"):
        open_store(missing)


def test_the_url_kept_and_shown_has_no_password() -> None:
    assert public_url("postgresql://root:s3cret@db.example:6432/c?sslmode=require") == (
        "postgresql://root@db.example:6432/c?sslmode=require"
    )
    assert public_url("postgresql://root@127.0.0.1/c") == "postgresql://root@127.0.0.1/c"


def test_a_bad_record_leaves_nothing_stored_nor_logged(pg: ThrowawayDatabase) -> None:
    store = open_store(pg.fresh_url())
    store.initialise_ledger(ORIGIN, Signer.generate(ORIGIN).verifier())
    store.add_observations([obs(1)])
    before = (store.count_observations(), list(store.stored_records()))
    unloggable = replace(obs(3), launched=10**300)  # beyond what the ledger's JSON holds
    with pytest.raises(InvalidInputError, match="bellingcat:00003"):
        store.add_observations([obs(2), unloggable])
    with pytest.raises(InvalidInputError):  # PostgreSQL's text refuses NUL: a DataError
        store.add_observations([obs(4), replace(obs(5), source="bell\x00cat")])
    assert (store.count_observations(), list(store.stored_records())) == before
    ledger = store.ledger()
    assert ledger is not None
    assert ledger.size == 1
    assert ledger.verify().ok
    store.add_observations([obs(2)])  # the store is usable afterwards
    assert store.count_observations() == 2


WRITER = textwrap.dedent(
    """
    import sys
    from ceasefire.store import open_store
    sys.path.insert(0, sys.argv[3])
    from test_store_contract import obs
    store = open_store(sys.argv[1])
    tag = sys.argv[2]
    for batch in range(15):
        store.add_observations(
            [obs(batch * 10 + n, source=tag) for n in range(10)]
        )
    store.close()
    """
)


def test_processes_writing_at_once_keep_the_ledger_gap_free_and_verifiable(
    pg: ThrowawayDatabase,
) -> None:
    url = pg.fresh_url()
    store = open_store(url)
    store.initialise_ledger(ORIGIN, Signer.generate(ORIGIN).verifier())
    tests = str(Path(__file__).parent)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, url, tag, tests])
        for tag in ("post-a", "post-b", "post-c")
    ]
    assert [w.wait(timeout=300) for w in writers] == [0, 0, 0]
    assert store.count_observations() == 3 * 150
    ledger = store.ledger()
    assert ledger is not None
    assert ledger.size == 450
    assert ledger.verify().ok
    stored = list(store.stored_records())
    assert sorted(r.change for r in stored) == list(range(1, 451))  # dense change numbers
    logged = [e.record_id for e in ledger.storage.entries(0, ledger.size)]
    assert logged == [r.ledger_id for r in stored]  # the log's order is the store's order


def test_the_box_filter_reads_the_gist_index(pg: ThrowawayDatabase) -> None:
    url = pg.fresh_url()
    store = open_store(url)
    store.add_observations([replace(obs(n), location=replace(
        obs(n).location, lat=44 + (n % 100) / 20, lon=30 + (n // 100) / 20)) for n in range(4000)])
    query = ObservationQuery.of(bbox=(31.0, 45.0, 31.1, 45.1))
    found = store.observation_page(query, limit=100).items
    assert len(found) == 9  # 3 longitudes x 3 latitudes on the 0.05-degree grid
    assert all(
        o.location.lon is not None and o.location.lat is not None
        and 31.0 <= o.location.lon <= 31.1 and 45.0 <= o.location.lat <= 45.1
        for o in found
    )
    assert isinstance(store, PostgresStore)
    sql, params = store.current_query(RecordKind.OBSERVATION, query, None, 101)
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("ANALYZE records")
        plan = "\n".join(str(row[0]) for row in db.execute(f"EXPLAIN {sql}", params))
    assert "records_location" in plan, plan


def test_a_superseded_observation_leaves_the_box_with_its_old_place(
    pg: ThrowawayDatabase,
) -> None:
    store = open_store(pg.fresh_url())
    original = obs(1)
    store.add_observations([original])
    moved = replace(original, location=replace(original.location, lat=10.0, lon=10.0))
    store.supersede(RecordRef(RecordKind.OBSERVATION, original.id), moved,
                    actor="analyst", reason="wrong place", at=original.interval.start)
    old_box = ObservationQuery.of(bbox=(36.9, 47.9, 37.1, 48.1))
    new_box = ObservationQuery.of(bbox=(9.9, 9.9, 10.1, 10.1))
    assert store.observation_page(old_box).items == []
    assert store.observation_page(new_box).items == [moved]


def test_a_dropped_connection_is_unavailable_once_then_reopened(pg: ThrowawayDatabase) -> None:
    url = pg.fresh_url()
    store = open_store(url)
    store.initialise_ledger(ORIGIN, Signer.generate(ORIGIN).verifier())
    store.add_observations([obs(1)])

    def drop_the_stores_sessions() -> None:
        with connect(url) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND application_name = '' AND backend_type = 'client backend'"
            )

    drop_the_stores_sessions()
    with pytest.raises(StorageUnavailableError, match=r"write not committed.*nothing was stored"):
        store.add_observations([obs(2)])
    assert store.add_observations([obs(2)]).added == 1  # a new connection, by itself
    drop_the_stores_sessions()
    with pytest.raises(StorageUnavailableError, match="cannot read"):
        store.count_observations()
    assert store.count_observations() == 2
    drop_the_stores_sessions()
    with pytest.raises(StorageUnavailableError, match="ledger is unreachable"):
        store.ledger()
    ledger = store.ledger()
    assert ledger is not None
    assert ledger.size == 2
    assert ledger.verify().ok
