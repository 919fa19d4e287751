import { UserError } from '../../errors.js';
import type { Migration, Statement } from '../../model.js';
import { readError } from '../files.js';
import { compiledStatement } from '../statements.js';
import type { MigrationReadError } from '../types.js';

/**
 * What translating one DSL migration (Rails, Ecto) produces: up and down operations with their source line,
 * and every call that could not be translated, reported at its line.
 */
export interface DslOperation {
  line: number;
  up: string[];
  /** Statements that undo `up`, in order; `undefined` when the call cannot be reversed. */
  down?: string[];
  /** The call as written, to name it when it is irreversible. */
  call: string;
}

export class DslTranslation {
  readonly up: DslOperation[] = [];
  readonly down: DslOperation[] = [];
  readonly errors: MigrationReadError[] = [];
  readonly notes: string[] = [];

  constructor(readonly file: string) {}

  unknown(line: number, call: string, why: string, fix: string): undefined {
    this.errors.push(
      readError(
        this.file,
        new UserError('untranslated-call', `${why}: ${firstLine(call)}`, fix, {
          file: this.file,
          line,
          column: 1,
        }),
      ),
    );
  }

  fail(line: number, call: string, error: unknown): undefined {
    if (error instanceof UserError) {
      this.errors.push(
        readError(
          this.file,
          new UserError(error.code, `${firstLine(call)}: ${error.what}`, error.fix, {
            file: this.file,
            line,
            column: 1,
          }),
        ),
      );
    } else this.unknown(line, call, `translating this call failed (${String(error)})`, 'Check this change by hand.');
  }
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

function statements(
  file: string,
  operations: DslOperation[],
  pick: (operation: DslOperation) => string[],
): Statement[] {
  return operations.flatMap((operation) =>
    pick(operation).map((sql) => compiledStatement(sql, { file, line: operation.line })),
  );
}

/**
 * The migration from a translation: `explicitDown` (a `def down`) when written, else the derived down of a
 * `change` (the inverse of each call in reverse order), absent when a call has no inverse.
 */
export function dslMigration(
  translation: DslTranslation,
  fields: Pick<Migration, 'id' | 'name' | 'path' | 'format' | 'transactional'>,
  mode: 'change' | 'up-down',
): Migration {
  const notes = [...translation.notes];
  let down: Statement[] | undefined;
  if (mode === 'up-down') {
    down = translation.down.length ? statements(fields.path, translation.down, (operation) => operation.up) : undefined;
    if (!translation.down.length) notes.push('No down: the migration cannot be rolled back.');
  } else {
    const irreversible = translation.up.filter((operation) => operation.down === undefined);
    if (irreversible.length) {
      notes.push(
        `Irreversible: ${irreversible.map((operation) => `line ${operation.line} (${firstLine(operation.call)})`).join('; ')} cannot be reversed automatically, so rolling back raises an error.`,
      );
    } else {
      down = statements(fields.path, [...translation.up].reverse(), (operation) => operation.down ?? []);
      notes.push('Down derived from `change`: the inverse of each call, in reverse order.');
    }
  }
  if (translation.errors.length) {
    notes.push(`Not fully translated: ${translation.errors.length} call(s) reported as errors; their SQL is missing.`);
  }
  return {
    ...fields,
    up: statements(fields.path, translation.up, (operation) => operation.up),
    ...(down ? { down } : {}),
    notes,
  };
}
