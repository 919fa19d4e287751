import { UserError } from '../../errors.js';
import type { Column, Schema, Table } from '../model.js';
import { qualifiedName } from '../model.js';
import type { RenameAnswer, RenameQuestion } from './types.js';

/**
 * Renames are asked, never guessed. `findRenameQuestions` lists what looks renamed (a table whose columns all
 * match a new table; a dropped and an added column of the same type in one table); `applyRenames` turns the
 * caller's answers into the earlier schema as it will be after `RENAME`, so the diff proper sees no change there.
 */

export function findRenameQuestions(before: Schema, after: Schema, answers: RenameAnswer[]): RenameQuestion[] {
  const questions: RenameQuestion[] = [];
  const beforeTables = new Map(before.tables.map((table) => [qualifiedName(table), table]));
  const afterTables = new Map(after.tables.map((table) => [qualifiedName(table), table]));
  const removed = [...beforeTables.values()].filter((table) => !afterTables.has(qualifiedName(table)));
  const added = [...afterTables.values()].filter((table) => !beforeTables.has(qualifiedName(table)));
  const answeredTables = new Set(answers.filter((answer) => !answer.table).flatMap((a) => [a.from, a.to]));
  for (const gone of removed) {
    if (answeredTables.has(qualifiedName(gone))) continue;
    for (const fresh of added) {
      if (answeredTables.has(qualifiedName(fresh))) continue;
      if (!sameColumns(gone, fresh)) continue;
      const from = qualifiedName(gone);
      const to = qualifiedName(fresh);
      questions.push({
        kind: 'table',
        from,
        to,
        evidence: [
          `table ${from} is dropped and ${to} is created`,
          `both have the same ${gone.columns.length} column(s) with the same types: ${gone.columns.map((column) => column.name).join(', ')}`,
        ],
        answer: { from, to },
      });
    }
  }
  for (const [name, table] of beforeTables) {
    const next = afterTables.get(name);
    if (!next) continue;
    const answered = new Set(answers.filter((answer) => answer.table === name).flatMap((a) => [a.from, a.to]));
    const droppedColumns = table.columns.filter(
      (column) => !answered.has(column.name) && !next.columns.some((other) => other.name === column.name),
    );
    const addedColumns = next.columns.filter(
      (column) => !answered.has(column.name) && !table.columns.some((other) => other.name === column.name),
    );
    for (const gone of droppedColumns) {
      for (const fresh of addedColumns) {
        if (gone.type !== fresh.type) continue;
        const evidence = [
          `column ${name}.${gone.name} is dropped and ${name}.${fresh.name} is added`,
          `same type ${gone.type}`,
        ];
        if (gone.nullable === fresh.nullable) evidence.push(gone.nullable ? 'both nullable' : 'both NOT NULL');
        if (droppedColumns.length === 1 && addedColumns.length === 1)
          evidence.push('the only column dropped and the only column added in this table');
        questions.push({
          kind: 'column',
          table: name,
          from: gone.name,
          to: fresh.name,
          evidence,
          answer: { table: name, from: gone.name, to: fresh.name },
        });
      }
    }
  }
  return questions;
}

function sameColumns(a: Table, b: Table): boolean {
  if (a.columns.length !== b.columns.length) return false;
  const types = new Map(a.columns.map((column) => [column.name, column.type]));
  return b.columns.every((column) => types.get(column.name) === column.type);
}

/** Checks every answer against the two schemas: a wrong name is an error, never a silent drop + add. */
export function validateRenames(before: Schema, after: Schema, answers: RenameAnswer[]): void {
  const find = (schema: Schema, name: string) => schema.tables.find((table) => qualifiedName(table) === name);
  for (const [index, answer] of answers.entries()) {
    const label = `renames[${index}] ${JSON.stringify(answer)}`;
    if (!answer.table) {
      if (!find(before, answer.from) || find(after, answer.from) || !find(after, answer.to) || find(before, answer.to))
        throw new UserError(
          'bad-rename',
          `${label}: a table rename needs "${answer.from}" only in the earlier schema and "${answer.to}" only in the later one.`,
          'Use the names from the rename questions the diff returned (qualified as schema.table outside public).',
        );
      continue;
    }
    const tableBefore =
      find(before, answer.table) ??
      find(before, answers.find((item) => !item.table && item.to === answer.table)?.from ?? '');
    const tableAfter = find(after, answer.table);
    const has = (table: Table | undefined, column: string) => table?.columns.some((item) => item.name === column);
    if (!has(tableBefore, answer.from) || has(tableAfter, answer.from) || !has(tableAfter, answer.to))
      throw new UserError(
        'bad-rename',
        `${label}: a column rename needs column "${answer.from}" only before and "${answer.to}" only after, in table "${answer.table}".`,
        'Use the table and column names from the rename questions the diff returned.',
      );
  }
}

/** The earlier schema with the answered renames done, as the engine does them (references follow). */
export function applyRenames(schema: Schema, answers: RenameAnswer[]): Schema {
  if (answers.length === 0) return schema;
  let result: Schema = structuredClone(schema);
  for (const answer of answers.filter((item) => !item.table)) result = renameTable(result, answer.from, answer.to);
  for (const answer of answers.filter((item) => item.table))
    result = renameColumn(result, answer.table ?? '', answer.from, answer.to);
  return result;
}

function renameTable(schema: Schema, from: string, to: string): Schema {
  const parts = to.split('.');
  const name = parts.pop() ?? to;
  for (const table of schema.tables) {
    if (qualifiedName(table) === from) {
      table.name = name;
      for (const index of table.indexes)
        if (index.definition) index.definition = replaceRelation(index.definition, from, to);
    }
    for (const fk of table.foreignKeys) if (fk.referencedTable === from) fk.referencedTable = to;
    if (table.partitionOf?.parent === from) table.partitionOf.parent = to;
  }
  for (const view of schema.views)
    if (view.dependsOn) view.dependsOn = view.dependsOn.map((d) => (d === from ? to : d));
  for (const trigger of schema.triggers ?? []) {
    if (trigger.table === from) {
      trigger.table = to;
      trigger.definition = replaceRelation(trigger.definition, from, to);
    }
  }
  for (const policy of schema.policies ?? []) if (policy.table === from) policy.table = to;
  for (const sequence of schema.sequences)
    if (sequence.ownedBy?.startsWith(`${from}.`)) sequence.ownedBy = `${to}${sequence.ownedBy.slice(from.length)}`;
  return schema;
}

function renameColumn(schema: Schema, tableName: string, from: string, to: string): Schema {
  const table = schema.tables.find((item) => qualifiedName(item) === tableName);
  if (!table) return schema;
  const rename = (name: string) => (name === from ? to : name);
  for (const column of table.columns) {
    if (column.name === from) column.name = to;
    renameInColumn(column, from, to);
  }
  if (table.primaryKey) table.primaryKey.columns = table.primaryKey.columns.map(rename);
  for (const unique of table.uniques) unique.columns = unique.columns.map(rename);
  for (const check of table.checks) check.expression = replaceIdentifier(check.expression, from, to);
  for (const exclusion of table.exclusions ?? [])
    exclusion.definition = replaceIdentifier(exclusion.definition, from, to);
  for (const fk of table.foreignKeys) fk.columns = fk.columns.map(rename);
  for (const index of table.indexes) {
    index.columns = index.columns.map((column) => replaceIdentifier(column, from, to));
    if (index.include) index.include = index.include.map(rename);
    if (index.where) index.where = replaceIdentifier(index.where, from, to);
    if (index.definition) index.definition = replaceIdentifier(index.definition, from, to);
  }
  for (const other of schema.tables)
    for (const fk of other.foreignKeys)
      if (fk.referencedTable === tableName) fk.referencedColumns = fk.referencedColumns.map(rename);
  for (const sequence of schema.sequences)
    if (sequence.ownedBy === `${tableName}.${from}`) sequence.ownedBy = `${tableName}.${to}`;
  return schema;
}

function renameInColumn(column: Column, from: string, to: string): void {
  if (column.generated) column.generated = replaceIdentifier(column.generated, from, to);
}

/** Replaces a bare or double-quoted identifier outside string literals. */
export function replaceIdentifier(text: string, from: string, to: string): string {
  const quotedTo = /^[a-z_][a-z0-9_$]*$/.test(to) ? to : `"${to.replaceAll('"', '""')}"`;
  return text
    .split(/('(?:[^']|'')*')/)
    .map((part, index) => {
      if (index % 2 === 1) return part;
      return part
        .replaceAll(`"${from.replaceAll('"', '""')}"`, quotedTo)
        .replace(new RegExp(`(?<![\\w$"])${escapeRegExp(from)}(?![\\w$"])`, 'g'), quotedTo);
    })
    .join('');
}

function replaceRelation(definition: string, from: string, to: string): string {
  const bareFrom = from.includes('.') ? from : `public.${from}`;
  const bareTo = to.includes('.') ? to : `public.${to}`;
  return definition
    .replaceAll(` ON ${bareFrom} `, ` ON ${bareTo} `)
    .replaceAll(` ON ONLY ${bareFrom} `, ` ON ONLY ${bareTo} `);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
