-- Version 1: the records table and the evidence ledger's tables, as in the SQLite layout
-- (docs/store.md). Every text column the store sorts or compares uses the "C" collation, so
-- that ids order byte by byte exactly as in SQLite and in Python: keyset paging (`id > after`)
-- and every list must not depend on the server's locale.

CREATE TABLE records (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    schema integer NOT NULL,
    ledger_id text COLLATE "C" NOT NULL,
    body bytea NOT NULL,
    current smallint NOT NULL,  -- 1 or 0, as in SQLite: one SQL text serves both
    superseded_by text COLLATE "C",
    change bigint NOT NULL,
    source text COLLATE "C",
    start_utc text COLLATE "C",
    end_utc text COLLATE "C",
    agreement_id text COLLATE "C",
    subject text COLLATE "C",
    verdict text COLLATE "C"
);
CREATE UNIQUE INDEX records_current ON records (kind, id) WHERE current = 1;
CREATE INDEX records_history ON records (kind, id, seq);
CREATE INDEX records_ledger_id ON records (ledger_id);
CREATE INDEX records_superseded_by ON records (superseded_by);
CREATE INDEX records_change ON records (change);
CREATE INDEX records_source ON records (kind, source) WHERE current = 1;
CREATE INDEX records_time ON records (kind, start_utc, end_utc) WHERE current = 1;
CREATE INDEX records_agreement ON records (agreement_id, id) WHERE current = 1;
CREATE INDEX records_subject ON records (subject, kind) WHERE current = 1;

CREATE TABLE ledger_entries (
    idx bigint PRIMARY KEY,
    record_id text COLLATE "C" NOT NULL UNIQUE,
    data bytea NOT NULL
);
CREATE TABLE ledger_tiles (
    key bigint PRIMARY KEY,  -- level << 56 | idx, as in SQLite
    level integer NOT NULL,
    idx bigint NOT NULL,
    data bytea NOT NULL
);
CREATE TABLE ledger_checkpoints (
    size bigint PRIMARY KEY,
    note text NOT NULL
);
CREATE TABLE ledger_cosignatures (
    size bigint NOT NULL,
    witness text COLLATE "C" NOT NULL,
    line text NOT NULL,
    PRIMARY KEY (size, witness)
);
CREATE TABLE ledger_meta (
    key text PRIMARY KEY,
    value text NOT NULL
);
