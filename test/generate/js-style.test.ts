import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ToolName } from '../../src/project/types.js';
import { draftHeader, jsString, masked, styleOf, templateLiteral } from '../../src/sources/formats/js-style.js';
import { readMigrations } from '../../src/sources/index.js';
import { DRAFTS, normalised, projectWith, writeDrafts } from './js-writer-support.js';

/** The value a JS literal evaluates to (the literal is generated code, evaluated as the engine would). */
const evaluated = (literal: string) => new Function(`return ${literal}`)() as string;
const tagged = (literal: string) =>
  new Function(`const tag = (strings) => strings.join(''); return tag${literal}`)() as string;

describe('JS literals for SQL', () => {
  it('round-trips any text through a quoted string or a template literal, also as a tagged template', () => {
    const text = fc.string({ unit: fc.constantFrom('a', "'", '"', '`', '$', '{', '}', '\\', '\n', '\r', '?', ' ') });
    fc.assert(
      fc.property(text, fc.constantFrom<"'" | '"'>("'", '"'), (sql, quote) => {
        expect(evaluated(jsString(sql, { quote }))).toBe(sql);
        expect(evaluated(templateLiteral(sql))).toBe(sql);
        expect(tagged(templateLiteral(sql))).toBe(sql);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the project quote unless the SQL holds it or spans lines', () => {
    expect(jsString('DROP TABLE "t"', { quote: "'" })).toBe(`'DROP TABLE "t"'`);
    expect(jsString("SET lock_timeout = '5s'", { quote: "'" })).toBe("`SET lock_timeout = '5s'`");
    expect(jsString("SET lock_timeout = '5s'", { quote: '"' })).toBe(`"SET lock_timeout = '5s'"`);
    expect(jsString('SELECT 1\nFROM t', { quote: '"' })).toBe('`SELECT 1\nFROM t`');
  });
});

describe('comments from the draft', () => {
  it('keeps every line of a multi-line application change inside the comment', () => {
    const lines = draftHeader({ ...DRAFTS[0]!, applicationChange: 'Deploy the reader first.\nThen */ the writer.' });
    expect(lines.map(([, text]) => text)).toEqual([
      '// Before it runs: Deploy the reader first.',
      '// Then */ the writer.',
    ]);
  });
});

describe('style of an existing migration', () => {
  it('reads CommonJS, two spaces, single quotes, semicolons, function expressions', () => {
    const text = "'use strict';\n\nexports.up = function (knex) {\n  return knex.raw('select 1');\n};\n";
    expect(styleOf('m/1_a.js', text)).toEqual({
      module: 'cjs',
      extension: '.js',
      indent: '  ',
      quote: "'",
      semicolons: true,
      functions: 'function',
    });
  });

  it('reads ESM, four spaces, double quotes, no semicolons, arrows', () => {
    const text = 'export const up = async (knex) => {\n    await knex.raw("select 1")\n}\n';
    expect(styleOf('m/1_a.js', text)).toMatchObject({
      module: 'esm',
      indent: '    ',
      quote: '"',
      semicolons: false,
      functions: 'arrow',
    });
  });

  it('reads TypeScript and tabs; .mjs and .cjs say their module system', () => {
    const text =
      "import { Kysely } from 'kysely';\n\nexport async function up(db: Kysely<any>) {\n\tawait db.schema.dropTable('t').execute();\n}\n";
    expect(styleOf('m/1_a.ts', text)).toMatchObject({
      module: 'ts',
      extension: '.ts',
      indent: '\t',
      functions: 'function',
    });
    expect(styleOf('m/1_a.mjs', 'export const up = () => {}\n').module).toBe('esm');
    expect(styleOf('m/1_a.cjs', 'module.exports = {}\n').module).toBe('cjs');
  });

  it('ignores the SQL inside strings, templates and comments', () => {
    const text = [
      '// "double" "quoted" "comment"',
      'exports.up = async function (db) {',
      '    await db.runSql(`CREATE TABLE "a" (',
      '  "b" text DEFAULT \'x\'',
      ')`);',
      '    await db.runSql(\'DROP TABLE "c"\');',
      '};',
    ].join('\n');
    expect(masked(text)).not.toMatch(/CREATE|double/);
    expect(styleOf('m/1_a.js', text)).toMatchObject({ indent: '    ', quote: "'", semicolons: true });
  });
});

/** One project per tool and style: the existing migration, and what the new files must look like. */
interface StyleCase {
  tool: ToolName;
  files: Record<string, string>;
  /** File names of the three generated migrations (the first draft's one, for brevity: a pattern). */
  name: RegExp;
  expect: { indent: string; quote: "'" | '"'; semicolons: boolean; marker: RegExp };
}

const pkg = (dependencies: Record<string, string>, extra: object = {}) =>
  JSON.stringify({ name: 'style', ...extra, dependencies });

const STYLE_CASES: StyleCase[] = [
  {
    tool: 'knex',
    files: {
      'package.json': pkg({ knex: '*' }),
      'migrations/20240101000000_init.js':
        "exports.up = function (knex) {\n    return knex.raw('select 1');\n};\n\nexports.down = function (knex) {\n    return knex.raw('select 1');\n};\n",
    },
    name: /^migrations\/20261206180000_add_orders_table\.js$/,
    expect: { indent: '    ', quote: "'", semicolons: true, marker: /^exports\.up = async function \(knex\) \{$/m },
  },
  {
    tool: 'knex',
    files: {
      'package.json': pkg({ knex: '*' }),
      'migrations/20240101000000_init.ts':
        'import type { Knex } from "knex"\n\nexport async function up(knex: Knex): Promise<void> {\n\tawait knex.raw("select 1")\n}\n',
    },
    name: /^migrations\/20261206180000_add_orders_table\.ts$/,
    expect: {
      indent: '\t',
      quote: '"',
      semicolons: false,
      marker: /^export async function up\(knex: Knex\): Promise<void> \{$/m,
    },
  },
  {
    tool: 'node-pg-migrate',
    files: {
      'package.json': pkg({ 'node-pg-migrate': '*' }),
      'migrations/1700000000000_init.mjs': "export const up = (pgm) => {\n  pgm.sql('select 1')\n}\n",
    },
    name: /^migrations\/1796580000000_add_orders_table\.mjs$/,
    expect: { indent: '  ', quote: "'", semicolons: false, marker: /^export const shorthands = undefined$/m },
  },
  {
    tool: 'kysely',
    files: {
      'package.json': pkg({ kysely: '*' }, { type: 'module' }),
      'migrations/001_init.js':
        'import { sql } from "kysely";\n\nexport async function up(db) {\n    await sql`select 1`.execute(db);\n}\n',
    },
    name: /^migrations\/002_add_orders_table\.js$/,
    expect: { indent: '    ', quote: '"', semicolons: true, marker: /^import \{ sql \} from "kysely";$/m },
  },
  {
    tool: 'db-migrate',
    files: {
      'package.json': pkg({ 'db-migrate': '*', 'db-migrate-pg': '*' }),
      'migrations/20240101000000-init.js':
        "'use strict';\n\nexports.up = function (db) {\n  return db.runSql('select 1');\n};\n\nexports._meta = { version: 1 };\n",
    },
    name: /^migrations\/20261206180000-add_orders_table\.js$/,
    expect: { indent: '  ', quote: "'", semicolons: true, marker: /^exports\._meta = \{ version: 1 \};$/m },
  },
  {
    tool: 'typeorm',
    files: {
      'package.json': pkg({ typeorm: '*' }),
      'src/migrations/1700000000000-Init.ts':
        "import { MigrationInterface, QueryRunner } from 'typeorm'\n\nexport class Init1700000000000 implements MigrationInterface {\n  public async up(queryRunner: QueryRunner): Promise<void> {\n    await queryRunner.query('select 1')\n  }\n}\n",
    },
    name: /^src\/migrations\/1796580000000-AddOrdersTable\.ts$/,
    expect: {
      indent: '  ',
      quote: "'",
      semicolons: false,
      marker: /^export class AddOrdersTable1796580000000 implements MigrationInterface \{$/m,
    },
  },
  {
    tool: 'sequelize',
    files: {
      'package.json': pkg({ sequelize: '*' }),
      'migrations/20240101000000-init.js':
        "'use strict';\n\nmodule.exports = {\n  async up(queryInterface, Sequelize) {\n    await queryInterface.sequelize.query('select 1');\n  },\n};\n",
    },
    name: /^migrations\/20261206180000-add_orders_table\.js$/,
    expect: { indent: '  ', quote: "'", semicolons: true, marker: /^ {2}async up\(queryInterface, Sequelize\) \{$/m },
  },
  {
    tool: 'mikro-orm',
    files: {
      'package.json': pkg({ '@mikro-orm/core': '*', '@mikro-orm/postgresql': '*' }),
      'migrations/Migration20240101000000.ts':
        "import { Migration } from '@mikro-orm/migrations';\n\nexport class Migration20240101000000 extends Migration {\n\n  async up(): Promise<void> {\n    this.addSql('select 1');\n  }\n\n}\n",
    },
    name: /^migrations\/Migration20261206180000\.ts$/,
    expect: {
      indent: '  ',
      quote: "'",
      semicolons: true,
      marker: /^export class Migration20261206180000 extends Migration \{$/m,
    },
  },
];

describe('generated files follow the project', () => {
  const cleanups: (() => void)[] = [];
  afterAll(() => {
    for (const cleanup of cleanups) cleanup();
  });

  for (const styleCase of STYLE_CASES) {
    const existing = Object.keys(styleCase.files).find((file) => file !== 'package.json')!;
    it(`${styleCase.tool}: ${path.basename(existing)} sets name, module system, indent, quotes, semicolons`, () => {
      const project = projectWith(styleCase.files);
      cleanups.push(project.cleanup);
      const written = writeDrafts(project.dir, styleCase.tool);
      expect(written[0]).toMatch(styleCase.name);
      for (const file of written) {
        const text = readFileSync(path.join(project.dir, file), 'utf8');
        const style = styleOf(file, text);
        expect([file, style.indent, style.semicolons]).toEqual([
          file,
          styleCase.expect.indent,
          styleCase.expect.semicolons,
        ]);
        if (style.quote !== undefined && /['"]x*['"]/.test(masked(text)))
          expect([file, style.quote]).toEqual([file, styleCase.expect.quote]);
      }
      expect(readFileSync(path.join(project.dir, written[0]!), 'utf8')).toMatch(styleCase.expect.marker);
    });
  }
});

describe('the first migration of a folder', () => {
  it('knex: TypeScript when the knexfile is TypeScript, as knex migrate:make does', () => {
    const project = projectWith({
      'package.json': pkg({ knex: '*' }),
      'knexfile.ts': "export default { client: 'pg', migrations: { directory: 'migrations' } };\n",
      'migrations/.gitkeep': '',
    });
    try {
      const [first] = writeDrafts(project.dir, 'knex', DRAFTS.slice(1, 2));
      expect(first).toBe('migrations/20261206180000_add_orders_total_cents.ts');
      expect(readFileSync(path.join(project.dir, first!), 'utf8')).toMatch(
        /^import type \{ Knex \} from 'knex';$[\s\S]*^export async function up\(knex: Knex\): Promise<void> \{$/m,
      );
    } finally {
      project.cleanup();
    }
  });
});

describe('knex doc comments', () => {
  it("follow the project's migrations: none when they have none", () => {
    const project = projectWith(STYLE_CASES[0]!.files);
    try {
      const [first] = writeDrafts(project.dir, 'knex', DRAFTS.slice(1, 2));
      expect(readFileSync(path.join(project.dir, first!), 'utf8')).not.toContain('@param');
    } finally {
      project.cleanup();
    }
  });
});

describe('db-migrate projects that keep SQL in sqls/', () => {
  it('writes the JS file and its sqls/ pair; our reader reads the statements back', async () => {
    const project = projectWith({
      'package.json': pkg({ 'db-migrate': '*', 'db-migrate-pg': '*' }),
      'migrations/20240101000000-init.js': [
        "'use strict';",
        '',
        "var fs = require('fs');",
        "var path = require('path');",
        '',
        'exports.up = function (db) {',
        "  var filePath = path.join(__dirname, 'sqls', '20240101000000-init-up.sql');",
        '  return new Promise(function (resolve, reject) {',
        "    fs.readFile(filePath, { encoding: 'utf-8' }, function (err, data) {",
        '      if (err) return reject(err);',
        '      resolve(data);',
        '    });',
        '  }).then(function (data) {',
        '    return db.runSql(data);',
        '  });',
        '};',
        '',
        'exports._meta = { version: 1 };',
        '',
      ].join('\n'),
      'migrations/sqls/20240101000000-init-up.sql': 'CREATE TABLE settings (key text PRIMARY KEY);\n',
      'migrations/sqls/20240101000000-init-down.sql': 'DROP TABLE settings;\n',
    });
    try {
      const written = writeDrafts(project.dir, 'db-migrate', DRAFTS.slice(0, 2));
      expect(written).toEqual([
        'migrations/20261206180000-add_orders_table.js',
        'migrations/sqls/20261206180000-add_orders_table-up.sql',
        'migrations/sqls/20261206180000-add_orders_table-down.sql',
        'migrations/20261206180001-add_orders_total_cents.js',
        'migrations/sqls/20261206180001-add_orders_total_cents-up.sql',
        'migrations/sqls/20261206180001-add_orders_total_cents-down.sql',
      ]);
      const read = await readMigrations(project.dir, { executeProjectCode: true, engine: 'postgresql' });
      expect(read.errors).toEqual([]);
      const generated = read.migrations.filter((migration) => written.includes(migration.path));
      expect(generated.map((migration) => migration.up.map((statement) => normalised(statement.sql)))).toEqual(
        DRAFTS.slice(0, 2).map((draft) => draft.up),
      );
      expect(
        generated.map((migration) => (migration.down ?? []).map((statement) => normalised(statement.sql))),
      ).toEqual(DRAFTS.slice(0, 2).map((draft) => draft.down));
    } finally {
      project.cleanup();
    }
  });
});
