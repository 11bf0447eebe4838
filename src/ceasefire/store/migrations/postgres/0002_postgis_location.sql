-- Version 2: where an observation is, as a PostGIS point (WGS 84) with its uncertainty radius,
-- behind a GiST index over current versions: box and zone queries read the index instead of
-- every envelope. NULL for every other kind, and for an observation known only by a region.

CREATE EXTENSION IF NOT EXISTS postgis;
ALTER TABLE records
    ADD COLUMN location geometry(Point, 4326),
    ADD COLUMN uncertainty_m double precision;
CREATE INDEX records_location ON records USING gist (location) WHERE current = 1;
