import { execFile } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationStatus } from '../../src/environments/status.js';
import type { Migration } from '../../src/model.js';
import { liquibaseChecksum } from '../../src/sources/formats/liquibase-checksum.js';
import { engineAvailable, freshDatabase, project, type TestDatabase, type TestEngine } from './databases.js';

/**
 * Liquibase itself (the `liquibase` devDependency, 4.28, checksum version 9) writes DATABASECHANGELOG; status
 * recomputes each changeSet's MD5SUM from the changelog and must agree with it — and, once changeSets are edited,
 * name exactly the ones `liquibase validate` rejects. The fixture has XML, YAML, JSON and formatted SQL changelogs.
 */

const run = promisify(execFile);
const LIQUIBASE = path.resolve('node_modules/liquibase/dist/liquibase/liquibase');
const RESOURCES = 'src/main/resources';
const CHANGES = `${RESOURCES}/db/changelog/changes`;
const NONE = { applied: 0, pending: 0, unknown: 0, failed: 0, checksumMismatches: 0, outOfOrder: 0 };

const java = await run('java', ['-version']).then(
  () => true,
  () => false,
);
const missing = !java ? 'no java on PATH' : !existsSync(LIQUIBASE) ? `${LIQUIBASE} is missing (npm ci)` : undefined;
if (missing) {
  if (process.env.CI === 'true') throw new Error(`Liquibase checksum test cannot run under CI: ${missing}`);
  console.warn(`SKIP real Liquibase checksums: ${missing}`);
}

function jdbcOf(url: string, engine: TestEngine): { jdbc: string; username: string; password: string } {
  const parsed = new URL(url);
  const scheme = engine === 'postgresql' ? 'postgresql' : 'mariadb';
  return {
    jdbc: `jdbc:${scheme}://${parsed.hostname}:${parsed.port || (engine === 'postgresql' ? '5432' : '3306')}${parsed.pathname}`,
    username: decodeURIComponent(parsed.username) || (engine === 'postgresql' ? 'postgres' : 'root'),
    password: decodeURIComponent(parsed.password),
  };
}

/** The Liquibase CLI from the resources folder; its output whether it succeeds or not. */
async function liquibase(root: string, url: string, engine: TestEngine, command: string): Promise<string> {
  const { jdbc, username, password } = jdbcOf(url, engine);
  const args = [
    '--changelog-file=db/changelog/db.changelog-master.xml',
    `--url=${jdbc}`,
    `--username=${username}`,
    `--password=${password}`,
    '--show-banner=false',
    command,
  ];
  const options = {
    cwd: path.join(root, RESOURCES),
    timeout: 180_000,
    env: { ...process.env, JAVA_OPTS: '-Xshare:auto' },
  };
  return run(LIQUIBASE, args, options).then(
    ({ stdout, stderr }) => `${stdout}${stderr}`,
    (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
  );
}

/** `author:id` of each changeSet `liquibase validate` reports as changed ("<file>::<id>::<author> was: … but is now: …"). */
function rejectedByLiquibase(output: string): string[] {
  const named = [...output.matchAll(/::([^:\s]+)::([^:\s]+) was: 9:/g)].map((match) => `${match[2]}:${match[1]}`);
  return [...new Set(named)].sort();
}

describe('Liquibase MD5SUM against liquibase update on PostgreSQL', () => {
  const engine: TestEngine = 'postgresql';
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('every changeSet Liquibase applied matches; the edited ones are exactly those liquibase validate rejects', async () => {
    if (missing || !(await engineAvailable(engine))) return;
    const root = project({});
    cpSync(path.join(import.meta.dirname, '../fixtures/sources-liquibase'), root, { recursive: true });
    db = await freshDatabase(engine, root);
    const updated = await liquibase(root, db.url, engine, 'update');
    expect(updated).toMatch(/Update has been successful/);

    const before = (await migrationStatus({ root, url: db.url, drift: false })).environments[0];
    expect(before?.error).toBeUndefined();
    expect(before?.counts).toEqual({ ...NONE, applied: 10 });
    expect(before?.notes).toEqual([]);

    // A real edit in each format, and a whitespace-only one Liquibase's checksum ignores.
    const edit = (file: string, from: string, to: string) => {
      const absolute = path.join(root, CHANGES, file);
      const text = readFileSync(absolute, 'utf8');
      if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
      writeFileSync(absolute, text.replace(from, to));
    };
    edit('001-users.xml', 'defaultValue="anon"', 'defaultValue="nobody"');
    edit('002-orders.yaml', 'ANALYZE orders;', 'ANALYZE orders;\n              VACUUM orders;');
    edit('003-reports.sql', 'title text NOT NULL', 'title text NOT NULL, body text');
    edit('003-reports.sql', 'ON reports (id, title);', 'ON reports (id,\n    title);   ');
    edit('004-audit.json', '"defaultValueNumeric": "0"', '"defaultValueNumeric": "1"');

    const after = (await migrationStatus({ root, url: db.url, drift: false })).environments[0];
    expect(after?.counts).toEqual({ ...NONE, applied: 10, checksumMismatches: 4 });
    expect(after?.checksumMismatches).toEqual([
      'src/main/resources/db/changelog/changes/001-users.xml#ada:2',
      'src/main/resources/db/changelog/changes/002-orders.yaml#grace:orders-3',
      'src/main/resources/db/changelog/changes/003-reports.sql#grace:reports-1',
      'src/main/resources/db/changelog/changes/004-audit.json',
    ]);
    const validated = await liquibase(root, db.url, engine, 'validate');
    expect(rejectedByLiquibase(validated)).toEqual(['ada:2', 'grace:orders-3', 'grace:reports-1', 'linus:audit-1']);
  });

  it('a changeSet whose checksum is not computed here is named, not counted either way', async () => {
    if (missing || !(await engineAvailable(engine))) return;
    const root = project({});
    cpSync(path.join(import.meta.dirname, '../fixtures/sources-liquibase'), root, { recursive: true });
    const master = path.join(root, RESOURCES, 'db/changelog/db.changelog-master.xml');
    writeFileSync(
      master,
      readFileSync(master, 'utf8').replace(
        '</databaseChangeLog>',
        '  <changeSet id="view-1" author="ada">\n    <createView viewName="user_emails">SELECT email FROM users</createView>\n  </changeSet>\n</databaseChangeLog>',
      ),
    );
    db = await freshDatabase(engine, root);
    expect(await liquibase(root, db.url, engine, 'update')).toMatch(/Update has been successful/);
    const [status] = (await migrationStatus({ root, url: db.url, drift: false })).environments;
    expect(status?.counts).toEqual({ ...NONE, applied: 11 });
    expect(status?.notes).toEqual([
      'Not checked for edits (their stored checksum is one this tool does not reproduce: change type, parameter or older algorithm): src/main/resources/db/changelog/db.changelog-master.xml.',
    ]);
  });
});

const XML_NAMESPACES =
  'xmlns="http://www.liquibase.org/xml/ns/dbchangelog" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd"';

/** Every other change type whose checksum is computed here, each in a changeSet of its own. */
const MORE_CHANGE_TYPES = `<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog ${XML_NAMESPACES}>
  <changeSet id="t1" author="kim">
    <createTable tableName="a" remarks="first"><column name="id" type="INT"/><column name="b_id" type="INT"/><column name="code" type="VARCHAR(10)"/><column name="note" type="TEXT"/></createTable>
    <createTable tableName="b" ifNotExists="true"><column name="id" type="INT"><constraints primaryKey="true" primaryKeyName="b_pk"/></column></createTable>
  </changeSet>
  <changeSet id="t2" author="kim"><addPrimaryKey tableName="a" columnNames="id" constraintName="a_pk"/></changeSet>
  <changeSet id="t3" author="kim"><addUniqueConstraint tableName="a" columnNames="code" constraintName="a_code_uq"/></changeSet>
  <changeSet id="t4" author="kim"><addForeignKeyConstraint baseTableName="a" baseColumnNames="b_id" constraintName="a_b_fk" referencedTableName="b" referencedColumnNames="id" onDelete="CASCADE"/></changeSet>
  <changeSet id="t5" author="kim"><addNotNullConstraint tableName="a" columnName="code" columnDataType="VARCHAR(10)"/></changeSet>
  <changeSet id="t6" author="kim"><dropNotNullConstraint tableName="a" columnName="code" columnDataType="VARCHAR(10)"/></changeSet>
  <changeSet id="t7" author="kim"><addDefaultValue tableName="a" columnName="code" defaultValue="x"/></changeSet>
  <changeSet id="t8" author="kim"><dropDefaultValue tableName="a" columnName="code"/></changeSet>
  <changeSet id="t9" author="kim"><createIndex tableName="a" indexName="a_note_idx"><column name="note"/></createIndex></changeSet>
  <changeSet id="t10" author="kim"><dropIndex tableName="a" indexName="a_note_idx"/></changeSet>
  <changeSet id="t11" author="kim"><dropForeignKeyConstraint baseTableName="a" constraintName="a_b_fk"/></changeSet>
  <changeSet id="t12" author="kim"><dropUniqueConstraint tableName="a" constraintName="a_code_uq"/></changeSet>
  <changeSet id="t13" author="kim"><dropPrimaryKey tableName="a" constraintName="a_pk"/></changeSet>
  <changeSet id="t14" author="kim"><renameColumn tableName="a" oldColumnName="note" newColumnName="memo" columnDataType="TEXT"/></changeSet>
  <changeSet id="t15" author="kim"><modifyDataType tableName="a" columnName="memo" newDataType="VARCHAR(500)"/></changeSet>
  <changeSet id="t16" author="kim"><dropColumn tableName="a" columnName="memo"/></changeSet>
  <changeSet id="t17" author="kim"><renameTable oldTableName="a" newTableName="c"/></changeSet>
  <changeSet id="t18" author="kim"><dropTable tableName="c" cascadeConstraints="true"/></changeSet>
</databaseChangeLog>
`;

/** A MariaDB changelog: the common XML change types, a YAML <sql> and a formatted SQL file. */
const MARIADB_PROJECT = {
  [`${RESOURCES}/db/changelog/db.changelog-master.xml`]: `<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog ${XML_NAMESPACES}>
  <include file="db/changelog/shop.xml"/>
  <include file="db/changelog/prices.yaml"/>
  <include file="db/changelog/report.sql"/>
</databaseChangeLog>
`,
  [`${RESOURCES}/db/changelog/shop.xml`]: `<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog ${XML_NAMESPACES}>
  <changeSet id="1" author="mia">
    <createTable tableName="product">
      <column name="id" type="INT" autoIncrement="true"><constraints primaryKey="true" nullable="false"/></column>
      <column name="sku" type="VARCHAR(40)"><constraints nullable="false" unique="true" uniqueConstraintName="product_sku_uq"/></column>
      <column name="price" type="DECIMAL(10,2)" defaultValueNumeric="0"/>
    </createTable>
    <createIndex tableName="product" indexName="product_price_idx" unique="false"><column name="price"/></createIndex>
  </changeSet>
  <changeSet id="2" author="mia">
    <addColumn tableName="product"><column name="label" type="VARCHAR(80)" defaultValue="none"/></addColumn>
    <insert tableName="product"><column name="sku" value="A-1"/><column name="price" valueNumeric="5"/></insert>
  </changeSet>
</databaseChangeLog>
`,
  [`${RESOURCES}/db/changelog/prices.yaml`]: `databaseChangeLog:
  - changeSet:
      id: prices-1
      author: mia
      changes:
        - sql:
            sql: UPDATE product SET price = price * 2 WHERE price < 10;
`,
  [`${RESOURCES}/db/changelog/report.sql`]: `--liquibase formatted sql

--changeset mia:report-1
--comment: the daily report
CREATE TABLE report (id INT PRIMARY KEY, body TEXT);
--rollback DROP TABLE report;

--changeset mia:report-view runOnChange:true
CREATE OR REPLACE VIEW report_ids AS SELECT id FROM report;
`,
};

describe('Liquibase MD5SUM of the other change types, against liquibase update on PostgreSQL', () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('each changeSet matches the MD5SUM Liquibase stored', async () => {
    if (missing || !(await engineAvailable('postgresql'))) return;
    const root = project({
      [`${RESOURCES}/db/changelog/db.changelog-master.xml`]: MORE_CHANGE_TYPES,
    });
    db = await freshDatabase('postgresql', root);
    expect(await liquibase(root, db.url, 'postgresql', 'update')).toMatch(/Update has been successful/);
    const [status] = (await migrationStatus({ root, url: db.url, drift: false })).environments;
    expect(status?.counts).toEqual({ ...NONE, applied: 18 });
    expect(status?.notes).toEqual([]);
  });
});

describe('Liquibase MD5SUM against liquibase update on MariaDB', () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('the MD5SUMs Liquibase stored are recomputed; edits are the ones liquibase validate rejects', async () => {
    if (missing || !(await engineAvailable('mysql'))) return;
    const root = project(MARIADB_PROJECT);
    db = await freshDatabase('mysql', root);
    expect(await liquibase(root, db.url, 'mysql', 'update')).toMatch(/Update has been successful/);
    const before = (await migrationStatus({ root, url: db.url, drift: false })).environments[0];
    expect(before?.error).toBeUndefined();
    expect(before?.table).toBe('DATABASECHANGELOG');
    expect(before?.counts).toEqual({ ...NONE, applied: 5 });
    expect(before?.notes).toEqual([]);

    const changelogs = path.join(root, RESOURCES, 'db/changelog');
    const replace = (file: string, from: string, to: string) =>
      writeFileSync(path.join(changelogs, file), readFileSync(path.join(changelogs, file), 'utf8').replace(from, to));
    replace('shop.xml', 'valueNumeric="5"', 'valueNumeric="6"');
    replace('report.sql', 'body TEXT', 'body MEDIUMTEXT');
    replace('report.sql', '--comment: the daily report', '--comment: the weekly report');
    // runOnChange: Liquibase runs the edited changeSet again instead of refusing it.
    replace('report.sql', 'SELECT id FROM report', 'SELECT id, body FROM report');
    const after = (await migrationStatus({ root, url: db.url, drift: false })).environments[0];
    expect(after?.counts).toEqual({ ...NONE, applied: 4, pending: 1, checksumMismatches: 2 });
    expect(after?.checksumMismatches).toEqual([
      'src/main/resources/db/changelog/shop.xml#mia:2',
      'src/main/resources/db/changelog/report.sql#mia:report-1',
    ]);
    expect(after?.pending).toEqual(['src/main/resources/db/changelog/report.sql#mia:report-view']);
    const validated = await liquibase(root, db.url, 'mysql', 'validate');
    expect(rejectedByLiquibase(validated)).toEqual(['mia:2', 'mia:report-1']);
  });
});

/**
 * Without Java: the MD5SUMs liquibase 4.28 stored for the fixture's changeSets (`liquibase update` on PostgreSQL,
 * read from DATABASECHANGELOG), and what is deliberately left uncomputed.
 */
/** `${name}` as a changelog writes a parameter. */
const PARAMETER = (name: string) => ['$', '{', name, '}'].join('');

describe('liquibaseChecksum without Liquibase', () => {
  const fixture = path.join(import.meta.dirname, '../fixtures/sources-liquibase');
  const changeSet = (file: string, name: string): Migration => ({
    id: name.split(':')[1] ?? '',
    name,
    path: `${CHANGES}/${file}`,
    format: 'liquibase',
    up: [],
    transactional: true,
    notes: [],
  });

  it('gives the MD5SUM Liquibase stored for each changeSet of the fixture', () => {
    const stored: [string, string, string][] = [
      ['001-users.xml', 'ada:1', '9:1d9c7ad4e1e903b7f31b14b4d99b2d71'],
      ['001-users.xml', 'ada:2', '9:afac205db548ecc7c88aeb19ab1fa1be'],
      ['001-users.xml', 'ada:3', '9:3df2179a86fd76517eb945d7198d5a7d'],
      ['001-users.xml', 'ada:4', '9:58482e80b9ceb6bc8eb093a4a6c830c6'],
      ['002-orders.yaml', 'grace:orders-1', '9:b3831625387cfbac3122541b33e79a4b'],
      ['002-orders.yaml', 'grace:orders-2', '9:da344dd340a0dfcdea1e4c3753ca23ea'],
      ['002-orders.yaml', 'grace:orders-3', '9:68dc76e769e05ccf82152aee460f0bdd'],
      ['003-reports.sql', 'grace:reports-1', '9:2dc6f9f2b9921713a3ee5d53c204691f'],
      ['003-reports.sql', 'grace:reports-2', '9:fa7343c28b2e093337481b3a20d94e93'],
      ['004-audit.json', 'linus:audit-1', '9:a27b2a117aa3c0fa152fb379c62bb7ae'],
    ];
    for (const [file, name, md5sum] of stored) expect(liquibaseChecksum(changeSet(file, name), fixture)).toBe(md5sum);
  });

  it('formatted SQL: directives, blank lines and line ends do not count; a changelog parameter is not guessed', () => {
    const root = project({
      [`${CHANGES}/a.sql`]:
        '--liquibase formatted sql\r\n\r\n--changeset grace:reports-1\r\n--comment: a comment\r\nCREATE TABLE reports (id bigint PRIMARY KEY, title text NOT NULL);\r\n\r\nCREATE INDEX reports_title_idx ON reports (title);\r\n--rollback DROP TABLE reports;\r\n',
      [`${CHANGES}/b.sql`]: `--liquibase formatted sql\n--changeset grace:p-1\nCREATE TABLE ${PARAMETER('prefix')}_t (id int);\n`,
    });
    expect(liquibaseChecksum(changeSet('a.sql', 'grace:reports-1'), root)).toBe('9:2dc6f9f2b9921713a3ee5d53c204691f');
    expect(liquibaseChecksum(changeSet('b.sql', 'grace:p-1'), root)).toBeUndefined();
  });

  it('XML: change types, dbms-targeted SQL and parameters it does not reproduce are undefined', () => {
    const xml = (body: string) =>
      `<databaseChangeLog><changeSet id="1" author="kim">${body}</changeSet></databaseChangeLog>`;
    const root = project({
      [`${CHANGES}/view.xml`]: xml('<createView viewName="v">SELECT 1</createView>'),
      [`${CHANGES}/dbms.xml`]: xml('<sql dbms="postgresql">SELECT 1</sql>'),
      [`${CHANGES}/parameter.xml`]: xml(
        `<createTable tableName="t"><column name="x" type="${PARAMETER('floatType')}"/></createTable>`,
      ),
      [`${CHANGES}/date.xml`]: xml('<addDefaultValue tableName="t" columnName="d" defaultValueDate="2024-01-01"/>'),
      [`${CHANGES}/modify.xml`]: xml('<sql>SELECT 1</sql><modifySql><append value=" x"/></modifySql>'),
    });
    for (const file of ['view.xml', 'dbms.xml', 'parameter.xml', 'date.xml', 'modify.xml'])
      expect(liquibaseChecksum(changeSet(file, 'kim:1'), root), file).toBeUndefined();
  });
});

/** A JHipster-shaped changelog: types and defaults chosen per dbms through changelog parameters. */
const PARAMETERS_PROJECT = {
  [`${RESOURCES}/db/changelog/db.changelog-master.xml`]: `<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog ${XML_NAMESPACES}>
  <property name="floatType" value="float4" dbms="postgresql, h2"/>
  <property name="floatType" value="float" dbms="mysql, oracle, mssql, mariadb"/>
  <property name="now" value="now()" dbms="postgresql"/>
  <property name="now" value="current_timestamp" dbms="mysql, mariadb"/>
  <property name="prefix" value="app"/>
  <include file="db/changelog/changes/001-price.xml"/>
  <include file="db/changelog/changes/002-note.sql"/>
</databaseChangeLog>
`,
  [`${CHANGES}/001-price.xml`]: `<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog ${XML_NAMESPACES}>
  <changeSet id="price-1" author="jh">
    <createTable tableName="${PARAMETER('prefix')}_price">
      <column name="amount" type="${PARAMETER('floatType')}"/>
      <column name="created_at" type="timestamp" defaultValueComputed="${PARAMETER('now')}"/>
    </createTable>
  </changeSet>
</databaseChangeLog>
`,
  [`${CHANGES}/002-note.sql`]: `--liquibase formatted sql\n\n--changeset jh:note-1\nCREATE TABLE ${PARAMETER('prefix')}_note (id int);\n`,
};

describe.each(['postgresql', 'mysql'] as TestEngine[])('Liquibase changelog parameters on %s', (engine) => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('are substituted for the engine before hashing, as liquibase update and validate do', async () => {
    if (missing || !(await engineAvailable(engine))) return;
    const root = project(PARAMETERS_PROJECT);
    db = await freshDatabase(engine, root);
    expect(await liquibase(root, db.url, engine, 'update')).toMatch(/Update has been successful/);
    const [before] = (await migrationStatus({ root, url: db.url, drift: false })).environments;
    expect(before?.counts).toEqual({ ...NONE, applied: 2 });
    expect(before?.notes).toEqual([]);

    // The engine's floatType changes: the changeSet using it is edited for Liquibase, the other is not.
    const master = path.join(root, RESOURCES, 'db/changelog/db.changelog-master.xml');
    const changed =
      engine === 'postgresql' ? ['value="float4"', 'value="float8"'] : ['value="float"', 'value="double"'];
    writeFileSync(master, readFileSync(master, 'utf8').replace(changed[0]!, changed[1]!));
    const [after] = (await migrationStatus({ root, url: db.url, drift: false })).environments;
    expect(after?.counts).toEqual({ ...NONE, applied: 2, checksumMismatches: 1 });
    expect(after?.checksumMismatches).toEqual([`${CHANGES}/001-price.xml`]);
    expect(rejectedByLiquibase(await liquibase(root, db.url, engine, 'validate'))).toEqual(['jh:price-1']);
  });
});

describe('an MD5SUM of an older Liquibase', () => {
  it('(8:, before 4.24) is listed as not checked, neither matching nor edited', async () => {
    const root = project({});
    cpSync(path.join(import.meta.dirname, '../fixtures/sources-liquibase'), root, { recursive: true });
    const db = await freshDatabase('sqlite', root);
    try {
      await db.exec(
        'CREATE TABLE DATABASECHANGELOG (ID VARCHAR(255) NOT NULL, AUTHOR VARCHAR(255) NOT NULL, FILENAME VARCHAR(255) NOT NULL, DATEEXECUTED TEXT NOT NULL, ORDEREXECUTED INTEGER NOT NULL, EXECTYPE VARCHAR(10) NOT NULL, MD5SUM VARCHAR(35))',
      );
      await db.exec(
        "INSERT INTO DATABASECHANGELOG VALUES ('1', 'ada', 'db/changelog/changes/001-users.xml', CURRENT_TIMESTAMP, 1, 'EXECUTED', '8:0f3c0c5e3b1d4a4e9c2f1a7b6d5e4c3b'), ('2', 'ada', 'db/changelog/changes/001-users.xml', CURRENT_TIMESTAMP, 2, 'EXECUTED', '9:afac205db548ecc7c88aeb19ab1fa1be')",
      );
      const [status] = (await migrationStatus({ root, url: db.url, drift: false })).environments;
      expect(status?.counts).toEqual({ ...NONE, applied: 2, pending: 8 });
      expect(status?.notes).toEqual([
        'Not checked for edits (their stored checksum is one this tool does not reproduce: change type, parameter or older algorithm): src/main/resources/db/changelog/changes/001-users.xml#ada:1.',
      ]);
    } finally {
      await db.drop();
    }
  });
});
