import { checkDdl, type DdlEngineSpec } from '../../../safety/ddl-check.js';
import { notParsedRule } from '../../../safety/not-parsed.js';
import type { SafetyEngine } from '../../../safety/safety-engine.js';
import { sqliteAddColumnRefused } from './rules/add-column-refused.js';
import { sqliteAlterNeedsRebuild } from './rules/alter-needs-rebuild.js';
import { sqliteDropColumnLimits } from './rules/drop-column-limits.js';
import { sqliteForeignKeysPragma } from './rules/foreign-keys-pragma.js';
import { sqliteRebuildLocksDatabase } from './rules/rebuild-locks-database.js';
import { sqliteStrictTableTypes } from './rules/strict-table-types.js';
import { sqliteTypeAffinity } from './rules/type-affinity.js';
import { sqliteWithoutRowid } from './rules/without-rowid.js';

/** SQLite: the statement model of ddl-model.ts and rules checked against better-sqlite3. */
const spec: DdlEngineSpec = {
  name: 'sqlite',
  dialect: 'sqlite',
  rules: [
    sqliteAddColumnRefused,
    sqliteAlterNeedsRebuild,
    sqliteDropColumnLimits,
    sqliteForeignKeysPragma,
    sqliteRebuildLocksDatabase,
    sqliteStrictTableTypes,
    sqliteTypeAffinity,
    sqliteWithoutRowid,
    notParsedRule({ id: 'sqlite-not-parsed', engines: ['sqlite'], engineLabel: 'SQLite' }),
  ],
};

export const sqliteSafety: SafetyEngine = {
  name: 'sqlite',
  ruleMeta: () => spec.rules.map((rule) => rule.meta),
  check: (sql, options, sink) => checkDdl(spec, sql, options, sink),
};
