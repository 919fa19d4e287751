import { describe, expect, it } from 'vitest';
import type { MigrationDraft } from '../../src/generate/types.js';
import { DEFAULT_JS_STYLE } from '../../src/sources/formats/js-style.js';
import { knexBuilderBodies, statementSignature } from '../../src/sources/formats/knex-builder.js';
import { DRAFTS } from './js-writer-support.js';

const bodies = (draft: MigrationDraft) => knexBuilderBodies(draft, DEFAULT_JS_STYLE, (sql) => sql);
const [createTables, addColumn, concurrentIndex] = DRAFTS as [MigrationDraft, MigrationDraft, MigrationDraft];

describe('knex schema builder or knex.raw', () => {
  it('uses the builder when its statements are the draft statements, settings kept first', () => {
    const { up, down } = bodies(addColumn);
    expect(up?.settings).toEqual(["SET lock_timeout = '5s'"]);
    expect(up?.calls.map(([, text]) => text)).toEqual([
      "await knex.schema.alterTable('orders', (table) => {",
      "table.integer('total_cents').notNullable().defaultTo(knex.raw('0'));",
      '});',
    ]);
    expect(down?.calls.map(([, text]) => text)).toContain("table.dropColumn('total_cents');");
    expect(bodies(createTables).up).toBeDefined();
  });

  it('keeps knex.raw when a statement of the planner has no builder call', () => {
    // The planner added the foreign key NOT VALID, to validate later: the builder would add it validated.
    const notValid: MigrationDraft = {
      ...addColumn,
      up: [
        ...addColumn.up,
        'ALTER TABLE "orders" ADD CONSTRAINT "orders_total_cents_check" CHECK (total_cents >= 0) NOT VALID',
      ],
    };
    expect(bodies(notValid)).toEqual({});
    // Without the planner's FK index the builder (which adds one) says more than the draft.
    const withoutIndex: MigrationDraft = { ...createTables, up: createTables.up.slice(0, 2) };
    expect(bodies(withoutIndex)).toEqual({});
  });

  it('keeps knex.raw outside a transaction, without changes, and off PostgreSQL', () => {
    expect(bodies(concurrentIndex)).toEqual({});
    expect(bodies({ ...addColumn, changes: [] })).toEqual({});
    expect(bodies({ ...addColumn, engine: 'mysql', up: addColumn.up.slice(1) })).toEqual({});
  });

  it('says up with the builder and down with knex.raw when the changes do not say how to undo them', () => {
    const drop: MigrationDraft = {
      ...addColumn,
      up: ['ALTER TABLE "orders" DROP COLUMN IF EXISTS "total_cents"'],
      down: ['ALTER TABLE "orders" ADD COLUMN IF NOT EXISTS "total_cents" integer NOT NULL DEFAULT 0'],
      changes: [{ op: 'drop_column', table: 'orders', column: 'total_cents' }],
    };
    const result = bodies(drop);
    expect(result.up?.calls.map(([, text]) => text)).toContain("table.dropColumn('total_cents');");
    expect(result.down).toBeUndefined();
  });

  it('signs statements by kind and object, spelling aside', () => {
    expect(statementSignature('CREATE TABLE IF NOT EXISTS "a" (\n "x" int)')).toBe('create table a');
    expect(statementSignature('create table "a" ("x" integer)')).toBe('create table a');
    expect(statementSignature('ALTER TABLE "t" ADD COLUMN IF NOT EXISTS "c" int')).toBe('add column t.c');
    expect(statementSignature('alter table "t" add column "c" integer')).toBe('add column t.c');
    expect(statementSignature('alter table "t" rename "a" to "b"')).toBe('rename column t.a to b');
    expect(statementSignature("SET lock_timeout = '5s'")).toBeUndefined();
  });
});
