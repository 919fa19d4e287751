/**
 * Statement shapes for the lock oracle (lock-oracle.test.ts): each runs after its setup inside a transaction,
 * and the locks and rewrites PostgreSQL reports must be exactly what statementLocks claims.
 */

export interface LockShape {
  /** The statement(s) under test; several are checked together (their locks add up in the transaction). */
  sql: string;
  setup: string;
  /** Rows to insert before the transaction, where a statement behaves differently on a non-empty table. */
  data?: string;
}

const PLAIN = `
CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, v varchar(10), n numeric(10,2), ts timestamp,
  code text NOT NULL DEFAULT 'x', status text, note text, d int DEFAULT 1);
CREATE INDEX t_a_idx ON t (a);
CREATE UNIQUE INDEX t_code_idx ON t (code);
ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0) NOT VALID;
ALTER TABLE t ADD CONSTRAINT t_b_key UNIQUE (b);
CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_noop BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION noop();
`;

const FK = `
CREATE TABLE parents (id bigint PRIMARY KEY, name text);
CREATE TABLE children (id bigint PRIMARY KEY, parent_id bigint, other_id bigint, label text,
  CONSTRAINT children_parent_fk FOREIGN KEY (parent_id) REFERENCES parents (id));
CREATE TABLE others (id bigint PRIMARY KEY);
CREATE TABLE loose (id bigint PRIMARY KEY, parent_id bigint);
ALTER TABLE loose ADD CONSTRAINT loose_parent_fk FOREIGN KEY (parent_id) REFERENCES parents (id) NOT VALID;
`;

/**
 * Triggers this history created: their functions' statements lock what they touch when a row (or, for a statement
 * trigger, a statement) writes the table.
 */
const TRIGGERED = `
CREATE TABLE posts (id bigint PRIMARY KEY, score int, title text);
CREATE TABLE post_counts (n int);
CREATE TABLE audit (id bigint, op text);
CREATE MATERIALIZED VIEW post_mv AS SELECT id FROM posts;
CREATE TABLE removals (n int);
CREATE FUNCTION count_posts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN UPDATE post_counts SET n = n + 1; ELSE UPDATE removals SET n = n + 1; END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION refresh_posts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN REFRESH MATERIALIZED VIEW post_mv; RETURN NULL; END $$;
CREATE FUNCTION audit_changes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit SELECT id, TG_OP FROM changed; RETURN NULL; END $$;
CREATE TRIGGER posts_count AFTER INSERT OR DELETE ON posts FOR EACH ROW EXECUTE FUNCTION count_posts();
CREATE TRIGGER posts_title BEFORE UPDATE OF title ON posts FOR EACH ROW EXECUTE FUNCTION count_posts();
CREATE TRIGGER posts_refresh AFTER DELETE ON posts FOR EACH STATEMENT EXECUTE FUNCTION refresh_posts();
CREATE TRIGGER posts_audit AFTER UPDATE ON posts REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION audit_changes();
`;

const TRIGGERED_ROWS = "INSERT INTO posts VALUES (1, 1, 'a');\nINSERT INTO post_counts VALUES (0);";

const PARENT_ROWS = "INSERT INTO parents VALUES (1, 'a'), (2, 'b');";

/** Referential actions that write: a cascaded delete reaches the kids' kids; SET NULL writes too. */
const CASCADES = `
CREATE TABLE parents (id bigint PRIMARY KEY, name text);
CREATE TABLE kids (id bigint PRIMARY KEY, parent_id bigint REFERENCES parents ON DELETE CASCADE);
CREATE TABLE grandkids (id bigint, kid_id bigint REFERENCES kids ON DELETE CASCADE);
CREATE TABLE nullers (id bigint, parent_id bigint REFERENCES parents ON DELETE SET NULL ON UPDATE CASCADE);
INSERT INTO parents VALUES (1, 'a'), (2, 'b');
INSERT INTO kids VALUES (10, 1);
INSERT INTO grandkids VALUES (100, 10);
INSERT INTO nullers VALUES (7, 1);
`;

const PARTITIONED = `
CREATE TABLE measurements (logdate date NOT NULL, reading int) PARTITION BY RANGE (logdate);
CREATE TABLE m_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE m_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE m_2025 (logdate date NOT NULL, reading int);
`;

const INHERITANCE = `
CREATE TABLE cities (name text, population int);
CREATE TABLE capitals (state text) INHERITS (cities);
CREATE TABLE towns (name text, population int);
`;

const VIEWS = `
CREATE TABLE base (id bigint PRIMARY KEY, total int);
CREATE VIEW base_view AS SELECT id, total FROM base;
CREATE MATERIALIZED VIEW base_mv AS SELECT id FROM base;
CREATE UNIQUE INDEX base_mv_id_idx ON base_mv (id);
CREATE SEQUENCE counter;
CREATE TABLE owned (id bigserial PRIMARY KEY, x int);
`;

const TYPES = `
CREATE TABLE ty (id bigint PRIMARY KEY, addr cidr, doc xml, ts3 timestamp(3), tz6 timestamptz(6), bits varbit(5),
  t3 time(3), tags varchar(10)[]);
CREATE INDEX ty_ts3_idx ON ty (ts3);
`;
const TYPE_ROWS =
  "INSERT INTO ty SELECT g, '10.0.0.0/8', '<a/>', now(), now(), B'101', now(), ARRAY['x'] FROM generate_series(1, 20) g;";

const ENUMS = `
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE DOMAIN positive AS int CHECK (VALUE > 0);
CREATE TABLE e (id bigint PRIMARY KEY, m mood, n int, p positive);
CREATE INDEX e_m_idx ON e (m);
`;

const plain = (sql: string, data?: string): LockShape => ({ sql, setup: PLAIN, ...(data ? { data } : {}) });
const typed = (sql: string): LockShape => ({ sql, setup: TYPES, data: TYPE_ROWS });
const enums = (sql: string): LockShape => ({ sql, setup: ENUMS, data: "INSERT INTO e VALUES (1, 'ok', 1, 1);" });
const fk = (sql: string): LockShape => ({ sql, setup: FK });
const parted = (sql: string): LockShape => ({ sql, setup: PARTITIONED });
/** With a DEFAULT partition: a sibling created, attached, detached or dropped locks it ACCESS EXCLUSIVE. */
const partedWithDefault = (sql: string): LockShape => ({
  sql,
  setup: `${PARTITIONED}\nCREATE TABLE m_def PARTITION OF measurements DEFAULT;`,
  data: "INSERT INTO measurements VALUES ('2020-06-01', 1), ('2023-06-01', 2);",
});
const inherited = (sql: string): LockShape => ({ sql, setup: INHERITANCE });
const views = (sql: string): LockShape => ({ sql, setup: VIEWS });
const SECOND_TRIGGER = `
CREATE TABLE t2 (id int);
CREATE TRIGGER t2_noop BEFORE INSERT ON t2 FOR EACH ROW EXECUTE FUNCTION noop();
`;

/** A second function with a trigger on t: dropping both in one statement locks t once. */
const OTHER_FUNCTION_ON_T = `
CREATE FUNCTION other_noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_other_noop BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION other_noop();
`;

const VIEW_OVER_VIEW = `
CREATE MATERIALIZED VIEW base_view_mv AS SELECT id FROM base_view;
CREATE VIEW base_view_mv_view AS WITH ids AS (SELECT id FROM base_view_mv) SELECT id FROM ids;
`;

const UDF = `${PLAIN}
CREATE FUNCTION undeclared() RETURNS text LANGUAGE sql AS $$ SELECT 'x' || random()::text $$;
CREATE FUNCTION declared_volatile() RETURNS smallint LANGUAGE sql VOLATILE PARALLEL RESTRICTED RETURN trunc(random() * 10);
CREATE FUNCTION declared_stable() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'x' $$;
`;
const udf = (sql: string): LockShape => ({ sql, setup: UDF, data: ROWS });
const identity = (sql: string): LockShape => ({
  sql,
  setup: 'CREATE TABLE tokens (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text);',
});

const COPY = `
CREATE TABLE src (id int);
CREATE TABLE other (id int);
CREATE TABLE dst (id serial PRIMARY KEY, v int);
`;
/** Rows to copy: a DO block's loop body runs, and its statements lock, only on them. */
const copy = (sql: string): LockShape => ({
  sql,
  setup: COPY,
  data: 'INSERT INTO src VALUES (1), (2); INSERT INTO other VALUES (1); INSERT INTO dst (v) VALUES (1), (2);',
});

const ROWS = "INSERT INTO t (id, a, b, code) SELECT g, g, g, 'c' || g FROM generate_series(1, 100) g;";

export const LOCK_SHAPES: LockShape[] = [
  // ---- columns
  plain('ALTER TABLE t ADD COLUMN x int'),
  plain('ALTER TABLE t ADD COLUMN x int DEFAULT 0'),
  plain('ALTER TABLE t ADD COLUMN x int NOT NULL DEFAULT 0'),
  plain('ALTER TABLE t ADD COLUMN x timestamptz DEFAULT now()'),
  plain('ALTER TABLE t ADD COLUMN x uuid DEFAULT gen_random_uuid()'),
  plain('ALTER TABLE t ADD COLUMN x timestamptz DEFAULT clock_timestamp()'),
  plain('ALTER TABLE t ADD COLUMN x bigserial'),
  plain('ALTER TABLE t ADD COLUMN x int GENERATED ALWAYS AS IDENTITY'),
  plain('ALTER TABLE t ADD COLUMN x int GENERATED ALWAYS AS (a * 2) STORED'),
  plain('ALTER TABLE t ADD COLUMN x int NOT NULL'),
  plain('ALTER TABLE t DROP COLUMN note'),
  plain('ALTER TABLE t DROP COLUMN b'),
  plain('ALTER TABLE t DROP COLUMN IF EXISTS missing'),
  plain('ALTER TABLE t ALTER COLUMN a TYPE bigint', ROWS),
  plain('ALTER TABLE t ALTER COLUMN a TYPE bigint USING a::bigint', ROWS),
  plain('ALTER TABLE t ALTER COLUMN v TYPE varchar(20)', ROWS),
  plain('ALTER TABLE t ALTER COLUMN v TYPE text', ROWS),
  plain('ALTER TABLE t ALTER COLUMN v TYPE varchar(5)', ROWS),
  plain('ALTER TABLE t ALTER COLUMN n TYPE numeric(12,2)', ROWS),
  plain('ALTER TABLE t ALTER COLUMN n TYPE numeric(12,4)', ROWS),
  plain('ALTER TABLE t ALTER COLUMN b TYPE text', ROWS),
  plain('ALTER TABLE t ALTER COLUMN status TYPE varchar(50)', ROWS),
  plain("SET LOCAL timezone = 'America/New_York';\nALTER TABLE t ALTER COLUMN ts TYPE timestamptz", ROWS),
  plain("SET LOCAL timezone = 'UTC';\nALTER TABLE t ALTER COLUMN ts TYPE timestamptz", ROWS),
  plain(
    "SET LOCAL TIME ZONE 'Etc/UTC';\nCREATE INDEX t_ts_idx ON t (ts);\nALTER TABLE t ALTER COLUMN ts TYPE timestamptz",
    ROWS,
  ),
  plain("SET LOCAL TIME ZONE 'Europe/Paris';\nALTER TABLE t ALTER COLUMN ts TYPE timestamptz", ROWS),
  // USING the column itself (bare or cast to the new type) converts as no USING does; any other expression rewrites.
  plain("SET LOCAL timezone = 'UTC';\nALTER TABLE t ALTER COLUMN ts TYPE timestamptz USING ts", ROWS),
  plain("SET LOCAL timezone = 'UTC';\nALTER TABLE t ALTER COLUMN ts TYPE timestamptz USING ts::timestamptz", ROWS),
  plain(
    "SET LOCAL timezone = 'UTC';\nALTER TABLE t ALTER COLUMN ts TYPE timestamptz USING ts AT TIME ZONE 'UTC'",
    ROWS,
  ),
  plain("SET LOCAL timezone = 'Europe/Paris';\nALTER TABLE t ALTER COLUMN ts TYPE timestamptz USING ts", ROWS),
  // USING the column cast to a third type: a rewrite only if one of the two conversions needs one.
  plain('ALTER TABLE t ALTER COLUMN v TYPE varchar USING v::text', ROWS),
  plain('ALTER TABLE t ALTER COLUMN b TYPE numeric USING b::bigint', ROWS),
  plain('ALTER TABLE t ALTER COLUMN n TYPE numeric USING n::numeric(12,2)', ROWS),
  plain('ALTER TABLE t ALTER COLUMN v TYPE varchar(20) USING v', ROWS),
  plain('ALTER TABLE t ALTER COLUMN v TYPE text USING v::text', ROWS),
  plain('ALTER TABLE t ALTER COLUMN a TYPE bigint USING a', ROWS),
  // Binary-coercible casts and widened precisions keep the table; a narrower precision rounds every value.
  // The table is kept, its partial index on the column rebuilt (Medusa: text → text under WHERE deleted_at IS NULL).
  {
    sql: 'ALTER TABLE t ALTER COLUMN status TYPE text USING (status::text)',
    setup: `${PLAIN}CREATE INDEX t_live_status_idx ON t (status) WHERE note IS NULL;`,
    data: ROWS,
  },
  typed('ALTER TABLE ty ALTER COLUMN addr TYPE inet'),
  typed('ALTER TABLE ty ALTER COLUMN doc TYPE text'),
  typed('ALTER TABLE ty ALTER COLUMN ts3 TYPE timestamp(6)'),
  typed('ALTER TABLE ty ALTER COLUMN tz6 TYPE timestamptz(3)'),
  typed('ALTER TABLE ty ALTER COLUMN bits TYPE varbit(10)'),
  typed('ALTER TABLE ty ALTER COLUMN t3 TYPE time(6)'),
  typed('ALTER TABLE ty ALTER COLUMN tags TYPE varchar(20)[]'),
  typed('ALTER TABLE ty ALTER COLUMN tags TYPE text[]'),
  typed("SET LOCAL timezone = 'UTC';\nALTER TABLE ty ALTER COLUMN ts3 TYPE timestamptz(1)"),
  typed("SET LOCAL timezone = 'UTC';\nALTER TABLE ty ALTER COLUMN ts3 TYPE timestamptz"),
  plain('ALTER TABLE t ALTER COLUMN a SET NOT NULL', ROWS),
  plain('ALTER TABLE t ALTER COLUMN code DROP NOT NULL'),
  plain('ALTER TABLE t ALTER COLUMN a SET DEFAULT 1'),
  plain('ALTER TABLE t ALTER COLUMN d DROP DEFAULT'),
  plain('ALTER TABLE t ALTER COLUMN a SET STATISTICS 200'),
  plain('ALTER TABLE t ALTER COLUMN note SET STORAGE EXTERNAL'),
  plain('ALTER TABLE t ALTER COLUMN a SET (n_distinct = 100)'),
  plain('ALTER TABLE t ALTER COLUMN a TYPE bigint, ADD COLUMN y int', ROWS),
  plain('ALTER TABLE t ADD COLUMN y int, ADD COLUMN z int'),
  // ---- table options
  plain('ALTER TABLE t SET (fillfactor = 70)'),
  plain('ALTER TABLE t RESET (fillfactor)'),
  plain('ALTER TABLE t SET (autovacuum_enabled = false)'),
  plain('ALTER TABLE t SET UNLOGGED', ROWS),
  plain('ALTER TABLE t CLUSTER ON t_a_idx'),
  plain('ALTER TABLE t SET WITHOUT CLUSTER'),
  plain('ALTER TABLE t REPLICA IDENTITY FULL'),
  plain('ALTER TABLE t ENABLE ROW LEVEL SECURITY'),
  plain('ALTER TABLE t DISABLE TRIGGER USER'),
  plain('ALTER TABLE t ENABLE TRIGGER t_noop'),
  plain('ALTER TABLE t DISABLE TRIGGER ALL'),
  // ---- constraints
  plain('ALTER TABLE t ADD CONSTRAINT t_b_check CHECK (b > 0)', ROWS),
  plain('ALTER TABLE t ADD CONSTRAINT t_b_check CHECK (b > 0) NOT VALID'),
  plain('ALTER TABLE t VALIDATE CONSTRAINT t_a_check', ROWS),
  plain('ALTER TABLE t DROP CONSTRAINT t_a_check'),
  plain('ALTER TABLE t DROP CONSTRAINT t_b_key'),
  plain('ALTER TABLE t ADD CONSTRAINT t_status_key UNIQUE (status)'),
  plain('ALTER TABLE t ADD CONSTRAINT t_code_key UNIQUE USING INDEX t_code_idx'),
  plain('ALTER TABLE t RENAME CONSTRAINT t_a_check TO t_a_positive'),
  plain('ALTER TABLE t ADD CONSTRAINT t_b_excl EXCLUDE USING btree (b WITH =)'),
  // ---- renames
  plain('ALTER TABLE t RENAME COLUMN note TO remark'),
  plain('ALTER TABLE t RENAME TO t_renamed'),
  plain('ALTER INDEX t_a_idx RENAME TO t_a_index'),
  plain('ALTER INDEX t_a_idx SET (fillfactor = 80)'),
  // ---- indexes
  plain('CREATE INDEX t_b_idx ON t (b)'),
  plain('CREATE UNIQUE INDEX t_status_idx ON t (status)'),
  plain('CREATE INDEX t_lower_idx ON t (lower(note))'),
  plain('CREATE INDEX t_partial_idx ON t (a) WHERE a > 0'),
  plain('CREATE INDEX IF NOT EXISTS t_a_idx ON t (a)'),
  plain('DROP INDEX t_a_idx'),
  plain('DROP INDEX IF EXISTS t_missing_idx'),
  plain('REINDEX TABLE t'),
  plain('REINDEX INDEX t_a_idx'),
  plain('CLUSTER t USING t_a_idx', ROWS),
  // ---- whole table
  plain('TRUNCATE t', ROWS),
  plain('DROP TABLE t'),
  plain('DROP TABLE IF EXISTS t'),
  plain('LOCK TABLE t IN SHARE MODE'),
  plain('LOCK TABLE t IN ACCESS EXCLUSIVE MODE'),
  plain('LOCK TABLE t IN ROW EXCLUSIVE MODE'),
  plain('LOCK TABLE t'),
  plain('UPDATE t SET a = 1', ROWS),
  plain('UPDATE t SET a = 1 WHERE id = 1', ROWS),
  plain('DELETE FROM t', ROWS),
  plain("INSERT INTO t (id, code) VALUES (1000, 'new')"),
  plain("COMMENT ON TABLE t IS 'x'"),
  plain('CREATE STATISTICS t_stats ON a, b FROM t'),
  plain('CREATE TRIGGER t_noop2 BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION noop()'),
  plain('DROP TRIGGER t_noop ON t'),
  plain('CREATE POLICY t_policy ON t USING (true)'),
  plain('ANALYZE t', ROWS),
  // ---- foreign keys, both directions
  fk('ALTER TABLE children ADD CONSTRAINT children_other_fk FOREIGN KEY (other_id) REFERENCES others (id)'),
  fk('ALTER TABLE children ADD CONSTRAINT children_other_fk FOREIGN KEY (other_id) REFERENCES others (id) NOT VALID'),
  fk('ALTER TABLE children ADD COLUMN others_id bigint REFERENCES others (id)'),
  fk('ALTER TABLE children DROP CONSTRAINT children_parent_fk'),
  fk('ALTER TABLE children DROP COLUMN parent_id'),
  fk('ALTER TABLE children DROP COLUMN label'),
  fk('ALTER TABLE loose VALIDATE CONSTRAINT loose_parent_fk'),
  fk('DROP TABLE children'),
  fk('DROP TABLE parents CASCADE'),
  fk('DROP TABLE others'),
  fk('TRUNCATE parents CASCADE'),
  fk('TRUNCATE children'),
  fk('CREATE TABLE grandchildren (id bigint PRIMARY KEY, child_id bigint REFERENCES children (id))'),
  fk(
    'CREATE TABLE grandchildren (id bigint PRIMARY KEY, child_id bigint, CONSTRAINT gc_fk FOREIGN KEY (child_id) REFERENCES children (id))',
  ),
  fk('ALTER TABLE children RENAME COLUMN parent_id TO parent'),
  fk('ALTER TABLE parents RENAME TO ancestors'),
  fk('ALTER TABLE children ALTER COLUMN parent_id TYPE bigint'),
  fk('ALTER TABLE parents ADD COLUMN born date'),
  fk('ALTER TABLE children RENAME CONSTRAINT children_parent_fk TO children_parent_fkey'),
  // ---- partitions
  parted("ALTER TABLE measurements ATTACH PARTITION m_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"),
  parted('ALTER TABLE measurements DETACH PARTITION m_2024'),
  parted('CREATE INDEX measurements_logdate_idx ON measurements (logdate)'),
  parted('CREATE INDEX m_2023_logdate_idx ON m_2023 (logdate)'),
  parted("CREATE TABLE m_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"),
  parted('ALTER TABLE measurements ADD COLUMN note text'),
  parted('ALTER TABLE m_2023 ALTER COLUMN reading SET DEFAULT 0'),
  parted('DROP TABLE m_2024'),
  parted('CREATE INDEX ON ONLY measurements (logdate)'),
  parted('TRUNCATE ONLY m_2023'),
  parted('ALTER TABLE ONLY measurements ALTER COLUMN reading SET DEFAULT 0'),
  parted('DROP TABLE measurements'),
  parted('TRUNCATE measurements'),
  parted('ALTER TABLE measurements ALTER COLUMN reading SET NOT NULL'),
  parted('ALTER TABLE measurements ADD CONSTRAINT measurements_reading_check CHECK (reading > 0)'),
  parted("ALTER TABLE m_2025 ADD CONSTRAINT m_2025_range CHECK (logdate >= DATE '2025-01-01')"),
  // ---- inheritance
  inherited('ALTER TABLE cities ADD COLUMN country text'),
  inherited('ALTER TABLE ONLY cities ALTER COLUMN population SET DEFAULT 0'),
  inherited('CREATE INDEX cities_name_idx ON cities (name)'),
  inherited('DROP TABLE capitals'),
  inherited('ALTER TABLE capitals NO INHERIT cities'),
  inherited('ALTER TABLE cities RENAME COLUMN population TO people'),
  inherited('ALTER TABLE towns INHERIT cities'),
  inherited('CREATE TABLE villages (mayor text) INHERITS (cities)'),
  inherited('TRUNCATE cities'),
  inherited('TRUNCATE ONLY cities'),
  inherited('ALTER TABLE cities ALTER COLUMN population SET NOT NULL'),
  // ---- views, materialized views, sequences
  views('DROP VIEW base_view'),
  views('CREATE VIEW base_view2 AS SELECT id FROM base'),
  views('CREATE OR REPLACE VIEW base_view AS SELECT id, total FROM base'),
  views('ALTER VIEW base_view RENAME TO base_view_renamed'),
  views('REFRESH MATERIALIZED VIEW base_mv'),
  views('DROP MATERIALIZED VIEW base_mv'),
  views('CREATE INDEX base_mv_total_idx ON base_mv (id)'),
  views('DROP TABLE base CASCADE'),
  views('CREATE MATERIALIZED VIEW base_totals AS SELECT id, total FROM base'),
  views('CREATE TABLE base_copy AS SELECT b.id FROM base b JOIN base_view v ON v.id = b.id'),
  views('ALTER SEQUENCE counter RESTART'),
  views('DROP SEQUENCE counter'),
  views('DROP TABLE owned'),
  views('ALTER TABLE owned ALTER COLUMN x TYPE bigint'),
  // A serial column's new type re-reads its nextval default: ACCESS SHARE on the sequence; bigserial → bigint keeps
  // the table, → int rewrites it.
  views('ALTER TABLE owned ALTER COLUMN id TYPE bigint'),
  views('ALTER TABLE owned ALTER COLUMN id TYPE int'),
  // The sequence keeps the name it was given when the table is renamed.
  { sql: 'DROP TABLE owned2', setup: `${VIEWS}ALTER TABLE owned RENAME TO owned2;\n` },
  views('ALTER TABLE base ADD COLUMN extra int'),
  // Dropping a serial or identity column drops the sequence it owns (lemmy's change_primary_keys migration).
  views('ALTER TABLE owned DROP COLUMN id'),
  identity('ALTER TABLE tokens DROP COLUMN id'),
  identity('DROP TABLE tokens'),
  identity("INSERT INTO tokens (v) VALUES ('a')"),
  identity('ALTER TABLE tokens ALTER COLUMN id TYPE bigint'),
  // A DEFAULT calling a function the migrations created: VOLATILE unless declared otherwise (lemmy's
  // generate_unique_changeme), so the table is rewritten; a STABLE one is stored once.
  udf('ALTER TABLE t ADD COLUMN x text DEFAULT undeclared()'),
  udf('ALTER TABLE t ADD COLUMN x smallint DEFAULT declared_volatile()'),
  udf('ALTER TABLE t ADD COLUMN x text DEFAULT declared_stable()'),
  // CASCADE drops the views over the dropped views too (lemmy's community_mview over community_aggregates_mview).
  { sql: 'DROP VIEW base_view CASCADE', setup: `${VIEWS}${VIEW_OVER_VIEW}` },
  { sql: 'DROP TABLE base CASCADE', setup: `${VIEWS}${VIEW_OVER_VIEW}` },
  // DROP FUNCTION … CASCADE drops the triggers executing it, ACCESS EXCLUSIVE on their tables (lemmy's
  // replaceable-schema migration); a trigger dropped before is not there to drop.
  plain('DROP FUNCTION noop() CASCADE'),
  { sql: 'DROP FUNCTION noop CASCADE', setup: `${PLAIN}${SECOND_TRIGGER}` },
  { sql: 'DROP FUNCTION noop, other_noop CASCADE', setup: `${PLAIN}${SECOND_TRIGGER}${OTHER_FUNCTION_ON_T}` },
  { sql: 'DROP FUNCTION noop() CASCADE', setup: `${PLAIN}DROP TRIGGER t_noop ON t;\n` },
  // A renamed sequence is still the column's: dropping the table drops it under its new name.
  { sql: 'DROP TABLE owned', setup: `${VIEWS}ALTER SEQUENCE owned_id_seq RENAME TO owned_seq;\n` },
  // ---- what DO blocks run (supabase/auth, older drizzle-kit): claimed statement by statement
  plain('DO $$ BEGIN ALTER TABLE t ADD COLUMN z int; CREATE INDEX t_z_idx ON t (z); END $$'),
  plain("DO $$ BEGIN EXECUTE 'CREATE INDEX t_b_idx ON t (b)'; END $$"),
  plain(
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 't' AND column_name = 'memo') THEN ALTER TABLE t RENAME COLUMN note TO memo; END IF; END $$",
  ),
  fk(
    'DO $$ BEGIN ALTER TABLE children ADD CONSTRAINT children_other_fk FOREIGN KEY (other_id) REFERENCES others (id); EXCEPTION WHEN duplicate_object THEN null; END $$',
  ),
  fk('DO $$ BEGIN ALTER TABLE children DROP CONSTRAINT children_parent_fk; END $$'),
  // DML … RETURNING … INTO writes, a loop's or cursor's query and PERFORM read; a loop body runs (and locks) only
  // on rows, which `data` gives (goharbor/harbor copies rows this way).
  copy(
    'DO $$ DECLARE r record; x int; BEGIN FOR r IN SELECT * FROM src LOOP INSERT INTO dst (v) VALUES (r.id) RETURNING id INTO x; END LOOP; END $$',
  ),
  copy(
    'DO $$ DECLARE r record; x int; BEGIN FOR r IN SELECT * FROM src FOR UPDATE LOOP UPDATE dst SET v = r.id WHERE id = r.id RETURNING v INTO x; END LOOP; END $$',
  ),
  copy('DO $$ DECLARE x int; BEGIN DELETE FROM dst WHERE id = 1 RETURNING v INTO x; END $$'),
  copy('DO $$ DECLARE n int; BEGIN SELECT count(*) INTO n FROM src; END $$'),
  copy('DO $$ DECLARE n int; BEGIN SELECT INTO n id FROM dst LIMIT 1; END $$'),
  copy('DO $$ BEGIN PERFORM * FROM src; END $$'),
  copy(
    'DO $$ DECLARE c CURSOR FOR SELECT id FROM src; BEGIN FOR r IN c LOOP INSERT INTO dst (v) VALUES (r.id); END LOOP; END $$',
  ),
  copy('DO $$ DECLARE c refcursor; BEGIN OPEN c FOR SELECT * FROM src; END $$'),
  copy(
    "DO $$ DECLARE r record; x int; BEGIN FOR r IN EXECUTE 'SELECT * FROM src' LOOP DELETE FROM dst WHERE id = r.id RETURNING v INTO x; END LOOP; END $$",
  ),
  copy(
    'DO $$ DECLARE x int; BEGIN FOREACH x IN ARRAY ARRAY[1, 2] LOOP INSERT INTO dst (v) VALUES (x); END LOOP; END $$',
  ),
  copy(
    'DO $$ DECLARE r record; s record; BEGIN FOR r IN SELECT * FROM src LOOP FOR s IN SELECT * FROM other WHERE id = r.id LOOP UPDATE dst SET v = s.id; END LOOP; END LOOP; END $$',
  ),
  // A serial column filled from its default: nextval() takes ROW EXCLUSIVE on its sequence.
  copy('INSERT INTO dst (v) VALUES (1)'),
  copy('INSERT INTO dst VALUES (DEFAULT, 1)'),
  copy('INSERT INTO dst VALUES (5, 1)'),
  copy('INSERT INTO dst (id, v) VALUES (5, 1)'),
  copy('INSERT INTO dst (v) SELECT id FROM src'),
  copy('INSERT INTO dst SELECT id + 10, id FROM src'),
  copy('UPDATE dst SET id = DEFAULT'),

  // ---- PROBE
  plain('ALTER TABLE t ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY'),
  plain('ALTER TABLE t ALTER COLUMN note SET COMPRESSION pglz'),
  plain('ALTER TABLE t DROP CONSTRAINT t_b_key, ADD CONSTRAINT t_b_key2 UNIQUE (b)'),
  plain('ALTER TABLE t DROP CONSTRAINT t_pkey'),
  plain('ALTER TABLE t OWNER TO CURRENT_USER'),
  plain('CREATE SCHEMA s2;\nALTER TABLE t SET SCHEMA s2'),
  plain('ALTER TABLE t FORCE ROW LEVEL SECURITY'),
  plain('CREATE UNIQUE INDEX t_status_idx ON t (status) INCLUDE (note)'),
  plain('ALTER TABLE t ADD COLUMN e text COLLATE "C"'),
  plain('ALTER TABLE t ALTER COLUMN status TYPE text COLLATE "C"', ROWS),
  plain('ALTER TABLE t ALTER COLUMN code TYPE text COLLATE "C"', ROWS),
  plain('ALTER TABLE t ALTER COLUMN a TYPE int', ROWS),
  plain('ALTER TABLE t ALTER COLUMN a TYPE integer USING a + 0', ROWS),
  plain('ALTER TABLE t ADD COLUMN parent_id bigint REFERENCES t (id)'),
  plain('ALTER TABLE t ALTER COLUMN a SET DATA TYPE bigint', ROWS),
  plain('CREATE INDEX t_brin ON t USING brin (a)'),
  plain('CREATE INDEX t_hash ON t USING hash (code)'),
  plain('CREATE RULE t_rule AS ON INSERT TO t DO INSTEAD NOTHING'),
  plain('ALTER TABLE t DISABLE ROW LEVEL SECURITY'),
  plain("COMMENT ON COLUMN t.a IS 'x'"),
  plain('ALTER TABLE t ALTER COLUMN a SET NOT NULL, ALTER COLUMN b SET NOT NULL', ROWS),
  plain('CREATE TABLE t2 (LIKE t INCLUDING ALL)'),
  plain('CREATE TABLE t3 (id bigint) PARTITION BY RANGE (id)'),
  plain('ALTER TABLE t ADD COLUMN x serial', ROWS),
  plain('ALTER TABLE t ALTER COLUMN d TYPE bigint USING d::bigint, ALTER COLUMN d SET DEFAULT 2', ROWS),
  plain('ALTER TABLE t ALTER COLUMN b TYPE bigint', ROWS),
  plain('ALTER TABLE t ALTER COLUMN v TYPE varchar(20), ALTER COLUMN a TYPE bigint', ROWS),
  plain('ALTER TABLE t ADD CONSTRAINT t_a_check2 CHECK (a > 0), ADD COLUMN y int', ROWS),
  plain('ALTER TABLE t ALTER COLUMN code SET DEFAULT gen_random_uuid()::text'),
  plain('ALTER TABLE t DROP COLUMN code'),
  plain('ALTER TABLE t DROP COLUMN a CASCADE'),
  plain('ALTER TABLE IF EXISTS t ADD COLUMN IF NOT EXISTS a int'),
  plain('ALTER INDEX IF EXISTS t_a_idx RENAME TO t_a_idx2'),
  plain('ALTER INDEX t_a_idx SET TABLESPACE pg_default'),
  plain('DROP INDEX t_a_idx, t_code_idx'),
  plain('SELECT * FROM t FOR UPDATE'),
  plain('SELECT count(*) FROM t'),
  plain('CREATE VIEW tv AS SELECT id FROM t'),
  plain("INSERT INTO t (id, code) SELECT id + 1000, 'n' || id FROM t", ROWS),
  plain('MERGE INTO t USING (SELECT 1 AS id) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = 2'),
  enums("ALTER TYPE mood ADD VALUE 'happy'"),
  enums("ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'"),
  enums('ALTER TABLE e ALTER COLUMN m TYPE text'),
  enums('ALTER TABLE e ALTER COLUMN m TYPE text USING m::text'),
  enums('ALTER TABLE e ALTER COLUMN n TYPE positive'),
  enums('ALTER DOMAIN positive ADD CONSTRAINT small CHECK (VALUE < 100)'),
  enums('ALTER DOMAIN positive ADD CONSTRAINT small CHECK (VALUE < 100) NOT VALID'),
  enums('ALTER DOMAIN positive SET NOT NULL'),
  enums("ALTER TABLE e ADD COLUMN q mood DEFAULT 'ok'"),
  enums('DROP TYPE mood CASCADE'),
  enums("CREATE TYPE size AS ENUM ('s', 'm');\nALTER TABLE e ADD COLUMN sz size"),
  fk('ALTER TABLE children ALTER CONSTRAINT children_parent_fk DEFERRABLE INITIALLY DEFERRED'),
  fk('ALTER TABLE children ADD CONSTRAINT c_fk2 FOREIGN KEY (parent_id) REFERENCES parents (id) ON DELETE CASCADE'),
  // Foreign-key triggers lock the other side of each key, for each row written (so these shapes have rows).
  { sql: 'DELETE FROM parents', setup: FK, data: PARENT_ROWS },
  { sql: "INSERT INTO children VALUES (1, 1, NULL, 'x')", setup: FK, data: PARENT_ROWS },
  { sql: "INSERT INTO children (id, label) VALUES (1, 'x')", setup: FK, data: PARENT_ROWS },
  { sql: 'UPDATE parents SET id = id + 10', setup: FK, data: PARENT_ROWS },
  { sql: "UPDATE parents SET name = 'z'", setup: FK, data: PARENT_ROWS },
  { sql: 'DELETE FROM parents WHERE id = 1', setup: CASCADES },
  { sql: 'UPDATE parents SET id = 6 WHERE id = 2', setup: CASCADES },
  // User triggers: each function's statements lock their relations (the transition table `changed` is none).
  { sql: "INSERT INTO posts VALUES (2, 1, 'b')", setup: TRIGGERED, data: TRIGGERED_ROWS },
  { sql: 'DELETE FROM posts WHERE id = 1', setup: TRIGGERED, data: TRIGGERED_ROWS },
  { sql: 'UPDATE posts SET score = 2', setup: TRIGGERED, data: TRIGGERED_ROWS },
  { sql: "UPDATE posts SET title = 'b'", setup: TRIGGERED, data: TRIGGERED_ROWS },
  { sql: "DELETE FROM posts;\nUPDATE posts SET title = 'c'", setup: TRIGGERED, data: TRIGGERED_ROWS },
  { sql: 'TRUNCATE posts', setup: TRIGGERED, data: TRIGGERED_ROWS },
  // Emptied first, the table has no row left for the triggers to fire on: parents is not locked.
  {
    sql: 'DELETE FROM children;\nUPDATE children SET parent_id = 2',
    setup: FK,
    data: `${PARENT_ROWS}\nINSERT INTO children VALUES (1, 1, NULL, 'x');`,
  },
  fk('ALTER TABLE parents DROP COLUMN id CASCADE'),
  fk('ALTER TABLE parents ALTER COLUMN id TYPE int'),
  fk('ALTER TABLE children ALTER COLUMN parent_id TYPE int'),
  fk('ALTER TABLE parents RENAME COLUMN id TO pid'),
  fk(
    'ALTER TABLE children DROP CONSTRAINT children_parent_fk, ADD CONSTRAINT children_parent_fk FOREIGN KEY (parent_id) REFERENCES parents (id) NOT VALID',
  ),
  fk('TRUNCATE children, loose, parents'),
  fk('DROP TABLE children, loose, parents'),
  fk('ALTER TABLE parents DROP CONSTRAINT parents_pkey CASCADE'),
  fk('ALTER TABLE loose DROP CONSTRAINT loose_parent_fk'),
  fk('ALTER TABLE children ADD CONSTRAINT children_label_key UNIQUE (label)'),
  fk('CREATE INDEX children_parent_idx ON children (parent_id)'),
  fk('ALTER TABLE children ADD CONSTRAINT self_fk FOREIGN KEY (other_id) REFERENCES children (id)'),
  views('ALTER MATERIALIZED VIEW base_mv RENAME TO base_mv2'),
  views('REFRESH MATERIALIZED VIEW CONCURRENTLY base_mv'),
  views('CREATE OR REPLACE VIEW base_view AS SELECT id, total, 1 AS one FROM base'),
  views('ALTER SEQUENCE counter INCREMENT BY 2'),
  views("SELECT setval('counter', 10)"),
  views('DROP VIEW base_view CASCADE'),
  views('ALTER VIEW base_view ALTER COLUMN total SET DEFAULT 0'),
  views('ALTER TABLE owned RENAME COLUMN id TO oid2'),
  views('ALTER SEQUENCE owned_id_seq OWNED BY NONE'),
  views('ALTER TABLE owned ALTER COLUMN id DROP DEFAULT'),
  views('ALTER TABLE base RENAME TO base2'),
  views('ALTER TABLE base ADD COLUMN extra int DEFAULT 0, ALTER COLUMN total SET NOT NULL'),
  views('CREATE INDEX base_total_idx ON base (total)'),
  views('ALTER MATERIALIZED VIEW base_mv SET (fillfactor = 50)'),
  views('DROP INDEX base_mv_id_idx'),
  parted('CREATE TABLE m_def PARTITION OF measurements DEFAULT'),
  parted('ALTER TABLE measurements RENAME COLUMN reading TO value'),
  parted('ALTER TABLE measurements ALTER COLUMN reading TYPE bigint'),
  parted('ALTER TABLE measurements DROP COLUMN reading'),
  parted('CREATE UNIQUE INDEX measurements_logdate_key ON measurements (logdate)'),
  {
    sql: 'ALTER INDEX mi ATTACH PARTITION m23i',
    setup: `${PARTITIONED}\nCREATE INDEX mi ON ONLY measurements (logdate);\nCREATE INDEX m23i ON m_2023 (logdate);`,
  },
  parted('UPDATE measurements SET reading = 1'),
  parted('ANALYZE measurements'),
  parted('ALTER TABLE measurements ALTER COLUMN reading SET DEFAULT 0'),
  parted('ALTER TABLE m_2023 RENAME TO m_old'),
  parted('ALTER TABLE measurements ADD CONSTRAINT mpk PRIMARY KEY (logdate)'),
  inherited('ALTER TABLE cities ALTER COLUMN population TYPE bigint'),
  inherited('ALTER TABLE cities DROP COLUMN population'),
  inherited('ALTER TABLE cities ADD CONSTRAINT cities_pop CHECK (population > 0)'),
  inherited('ALTER TABLE ONLY cities ADD CONSTRAINT cities_pop CHECK (population > 0) NO INHERIT'),
  inherited('DROP TABLE cities CASCADE'),
  inherited('UPDATE cities SET population = 1'),
  inherited('DELETE FROM ONLY cities'),
  inherited('ANALYZE cities'),
  plain('GRANT SELECT ON t TO PUBLIC'),
  plain('GRANT SELECT, UPDATE ON TABLE t TO CURRENT_USER'),
  parted('ALTER TABLE measurements ALTER COLUMN reading DROP NOT NULL'),
  parted('ALTER TABLE measurements ALTER COLUMN logdate DROP NOT NULL'),

  // ---- PROBE2
  plain('ALTER TABLE t ADD COLUMN x int CHECK (x > 0)', ROWS),
  plain('ALTER TABLE t ADD COLUMN x int DEFAULT 1 CHECK (x > 0)', ROWS),
  plain('ALTER TABLE t ADD COLUMN x int UNIQUE', ROWS),
  plain('ALTER TABLE t ADD COLUMN x text DEFAULT md5(random()::text) NOT NULL', ROWS),
  plain('ALTER TABLE t ALTER COLUMN a SET DEFAULT 0, ALTER COLUMN a SET NOT NULL', ROWS),
  plain('ALTER TABLE t ADD CONSTRAINT t_self_fk FOREIGN KEY (a) REFERENCES t (id)', ROWS),
  plain(
    'ALTER TABLE t ADD CONSTRAINT t_b_check2 CHECK (b > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT t_b_check2',
    ROWS,
  ),
  plain('ALTER TABLE t_a_idx RENAME TO t_a_idx3'),
  plain('CREATE SEQUENCE t_seq OWNED BY t.a'),
  plain('ALTER TABLE t REPLICA IDENTITY USING INDEX t_code_idx'),
  plain('ALTER TABLE t ALTER COLUMN a TYPE bigint', ROWS),
  plain('ALTER TABLE t DROP COLUMN a', ROWS),
  plain('TRUNCATE t RESTART IDENTITY', ROWS),
  plain('DELETE FROM t USING t AS other WHERE t.id = other.id', ROWS),
  plain(
    'WITH moved AS (SELECT id FROM t WHERE a > 50) UPDATE t SET note = note WHERE id IN (SELECT id FROM moved)',
    ROWS,
  ),
  // A WITH query that writes takes ROW EXCLUSIVE on its target (langfuse: WITH pc AS (INSERT … RETURNING …) UPDATE).
  views(
    'WITH ins AS (INSERT INTO base VALUES (500, 1) RETURNING id) UPDATE owned SET x = 1 WHERE id IN (SELECT id FROM ins)',
  ),
  views('WITH gone AS (DELETE FROM base WHERE id = 1 RETURNING id) SELECT count(*) FROM gone'),
  views('WITH changed AS (UPDATE base SET total = 2 WHERE id = 1 RETURNING id) SELECT * FROM changed'),
  plain('LOCK TABLE ONLY t IN SHARE MODE'),
  plain('ALTER TABLE t ALTER COLUMN a SET NOT NULL, ADD CONSTRAINT t_a_check3 CHECK (a < 1000)', ROWS),
  plain('CREATE FUNCTION f2() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$'),
  plain('CREATE TYPE pair AS (x int, y int);\nALTER TABLE t ADD COLUMN p pair'),
  views('SELECT count(*) FROM base_view'),
  views('LOCK TABLE base_view IN ACCESS EXCLUSIVE MODE'),
  views('TRUNCATE owned RESTART IDENTITY'),
  views('ALTER TABLE owned ALTER COLUMN id DROP DEFAULT;\nDROP SEQUENCE owned_id_seq'),
  views("ALTER TABLE owned ALTER COLUMN x SET DEFAULT nextval('counter')"),
  views('CREATE SEQUENCE s2 OWNED BY owned.x'),
  views("ALTER TABLE owned ADD COLUMN y bigint DEFAULT nextval('counter')"),
  {
    sql: 'LOCK TABLE view_of_view IN SHARE MODE',
    setup: `${VIEWS}\nCREATE VIEW view_of_view AS SELECT id FROM base_view;`,
  },
  views('ALTER SEQUENCE counter OWNED BY owned.x'),
  views('DROP VIEW base_view;\nCREATE VIEW base_view AS SELECT id FROM base'),
  views('CREATE UNIQUE INDEX base_mv_id2 ON base_mv (id)'),
  views('INSERT INTO base SELECT id + 100, total FROM base_view'),
  parted('LOCK TABLE measurements IN SHARE MODE'),
  parted('LOCK TABLE ONLY measurements IN SHARE MODE'),
  parted(
    'CREATE TRIGGER m_noop BEFORE UPDATE ON measurements FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()',
  ),
  parted('ALTER TABLE measurements RENAME TO readings'),
  parted('ALTER TABLE measurements ALTER COLUMN reading SET STATISTICS 100'),
  parted(
    "CREATE TABLE m_def PARTITION OF measurements DEFAULT;\nCREATE TABLE m_2030 PARTITION OF measurements FOR VALUES FROM ('2030-01-01') TO ('2031-01-01')",
  ),
  parted('ALTER TABLE measurements DETACH PARTITION m_2023;\nDROP TABLE m_2023'),
  partedWithDefault("CREATE TABLE m_2030 PARTITION OF measurements FOR VALUES FROM ('2030-01-01') TO ('2031-01-01')"),
  partedWithDefault(
    "ALTER TABLE measurements ATTACH PARTITION m_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
  ),
  partedWithDefault('ALTER TABLE measurements DETACH PARTITION m_2024'),
  partedWithDefault('DROP TABLE m_2024'),
  partedWithDefault('DROP TABLE m_def'),
  partedWithDefault('ALTER TABLE measurements DETACH PARTITION m_def'),
  parted('TRUNCATE m_2023, m_2024'),
  parted('SELECT * FROM measurements'),
  parted('SELECT * FROM ONLY measurements'),
  inherited('LOCK TABLE cities IN SHARE MODE'),
  inherited('SELECT * FROM cities'),
  inherited(
    'CREATE TRIGGER c_noop BEFORE UPDATE ON cities FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()',
  ),
  inherited('ALTER TABLE cities ADD CONSTRAINT cities_pop2 CHECK (population > 0) NOT VALID'),
  inherited('ALTER TABLE capitals DROP COLUMN state'),
  fk('ALTER TABLE parents ADD COLUMN code text UNIQUE'),
  fk('ALTER TABLE children VALIDATE CONSTRAINT children_parent_fk'),
  fk('DELETE FROM children'),
  fk(
    'ALTER TABLE children ADD CONSTRAINT c_fk3 FOREIGN KEY (parent_id) REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED',
  ),
  fk('ALTER TABLE loose ALTER COLUMN parent_id TYPE int'),
  fk('ALTER TABLE parents ALTER COLUMN name TYPE varchar(100)'),
  fk('ALTER TABLE children RENAME TO kids'),
  fk('SELECT * FROM parents p JOIN children c ON c.parent_id = p.id FOR UPDATE OF p'),
  enums("ALTER TYPE mood ADD VALUE 'happy' BEFORE 'sad'"),
  enums('ALTER TYPE mood RENAME TO feeling'),
  enums('ALTER TABLE e ALTER COLUMN n TYPE bigint'),
  enums('ALTER DOMAIN positive DROP NOT NULL'),
  enums('DROP DOMAIN positive CASCADE'),
  // A quoted type name keeps its case: the tables using "Positive" are found.
  {
    sql: 'ALTER DOMAIN "Positive" ADD CONSTRAINT below_ten CHECK (VALUE < 10)',
    setup: 'CREATE DOMAIN "Positive" AS int CHECK (VALUE > 0);\nCREATE TABLE q (id int, v "Positive");',
  },

  // ---- PROBE3: which ADD COLUMN defaults rewrite a table with rows
  plain('ALTER TABLE t ADD COLUMN x timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP', ROWS),
  plain("ALTER TABLE t ADD COLUMN x timestamp DEFAULT timezone('utc', now())", ROWS),
  plain("ALTER TABLE t ADD COLUMN x text DEFAULT 'a' || 'b'", ROWS),
  plain('ALTER TABLE t ADD COLUMN x int DEFAULT (random() * 10)::int', ROWS),
  plain("ALTER TABLE t ADD COLUMN x int[] DEFAULT '{}'", ROWS),
  plain("ALTER TABLE t ADD COLUMN x jsonb NOT NULL DEFAULT '{}'::jsonb", ROWS),
  plain('ALTER TABLE t ADD COLUMN x uuid DEFAULT md5(random()::text)::uuid', ROWS),
  plain('ALTER TABLE t ADD COLUMN x date DEFAULT CURRENT_DATE', ROWS),
  plain('ALTER TABLE t ADD COLUMN x numeric DEFAULT 0.5', ROWS),
  plain('ALTER TABLE t ADD COLUMN x boolean NOT NULL DEFAULT (1 = 1)', ROWS),
  plain('ALTER TABLE t ADD COLUMN x timestamptz DEFAULT statement_timestamp()', ROWS),
  plain('ALTER TABLE t ADD COLUMN x text DEFAULT current_user', ROWS),
  plain("ALTER TABLE t ADD COLUMN x text DEFAULT to_char(now(), 'YYYY')", ROWS),
  plain('ALTER TABLE t ADD COLUMN x bigint GENERATED BY DEFAULT AS IDENTITY', ROWS),
  plain('ALTER TABLE t ADD COLUMN x int DEFAULT 0 CHECK (x >= 0)', ROWS),
  plain('ALTER TABLE t ADD COLUMN x int NOT NULL DEFAULT 0, ADD COLUMN y int DEFAULT 1', ROWS),
  plain("ALTER TABLE t ADD COLUMN x varchar(10) DEFAULT 'abc'::character varying", ROWS),
  plain("ALTER TABLE t ADD COLUMN x interval DEFAULT '1 day'", ROWS),
  plain("ALTER TABLE t ADD COLUMN x timestamptz DEFAULT now() + interval '1 day'", ROWS),
  plain('ALTER TABLE t ADD COLUMN x text DEFAULT gen_random_uuid()::text', ROWS),
  plain('ALTER TABLE t ADD COLUMN x int DEFAULT 1 NOT NULL, ALTER COLUMN a SET NOT NULL', ROWS),
  plain('ALTER TABLE t ALTER COLUMN a SET DEFAULT random()', ROWS),
  plain('ALTER TABLE t ADD COLUMN x int GENERATED ALWAYS AS (a + 1) STORED', ROWS),

  // ---- PROBE4
  views('CREATE MATERIALIZED VIEW base_mv2 AS SELECT id FROM base WITH NO DATA'),
  views('REFRESH MATERIALIZED VIEW base_mv WITH NO DATA'),
  views('ALTER MATERIALIZED VIEW base_mv ALTER COLUMN id SET STATISTICS 100'),
  views('CREATE VIEW view2 AS SELECT * FROM base_view'),
  views('CREATE VIEW base_recent AS WITH recent AS (SELECT id FROM base) SELECT id FROM recent'),
  plain("ALTER TABLE t ALTER COLUMN status SET DEFAULT 'x', ALTER COLUMN note DROP DEFAULT"),
  plain('DROP INDEX IF EXISTS t_a_idx, t_missing_idx'),
  parted('CREATE UNIQUE INDEX m_key ON measurements (logdate)'),
  parted('ALTER TABLE measurements ADD COLUMN x int DEFAULT (random() * 10)::int'),
  parted('TRUNCATE measurements CASCADE'),
  parted(
    'CREATE TRIGGER m_stmt AFTER INSERT ON measurements FOR EACH STATEMENT EXECUTE FUNCTION suppress_redundant_updates_trigger()',
  ),
  inherited('ALTER TABLE cities ALTER COLUMN name TYPE varchar(50)'),
  inherited('ALTER TABLE cities ALTER COLUMN population SET DEFAULT 0'),
  inherited('DROP TABLE capitals, towns'),
  {
    sql: 'ALTER TABLE readings ADD CONSTRAINT readings_day_fk FOREIGN KEY (day) REFERENCES days (day)',
    setup:
      "CREATE TABLE days (day date PRIMARY KEY) PARTITION BY RANGE (day);\nCREATE TABLE days_2024 PARTITION OF days FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\nCREATE TABLE readings (id int, day date);",
  },
  {
    sql: 'ALTER TABLE t2 ADD CONSTRAINT t2_pkey PRIMARY KEY USING INDEX t2_id_idx',
    setup: 'CREATE TABLE t2 (id int NOT NULL, v text);\nCREATE UNIQUE INDEX t2_id_idx ON t2 (id);',
  },
  {
    sql: 'ALTER TABLE t2 ALTER COLUMN v SET NOT NULL',
    setup: 'CREATE TABLE t2 (id int, v text);\nALTER TABLE t2 ADD CONSTRAINT t2_v_nn CHECK (v IS NOT NULL);',
  },
];
