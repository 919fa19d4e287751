import type { MigrationScan } from '../../project/migrations.js';
import type { Conventions, DownPresence, MigrationEntry, ToolName } from '../../project/types.js';
import { baseOf } from '../../project/walk.js';

/**
 * The detect side shared by the statically read formats (multi-dialect SQL, Liquibase, Sqitch, Atlas, Rails,
 * Ecto): one migration folder and its entries in apply order, with the conventions a new migration follows.
 */
export function staticScan(
  tool: ToolName,
  dir: string,
  migrations: MigrationEntry[],
  conventions: Omit<Conventions, 'tool' | 'down' | 'example'> & { example?: string },
): MigrationScan {
  const scan: MigrationScan = { dir: { path: dir, tool, count: migrations.length }, migrations };
  if (!migrations.length) return scan;
  const downs = migrations.filter((migration) => migration.hasDown).length;
  const down: DownPresence = downs === migrations.length ? 'always' : downs === 0 ? 'never' : 'sometimes';
  scan.conventions = {
    tool,
    naming: conventions.naming,
    example: conventions.example ?? baseOf(migrations.at(-1)!.path),
    extension: conventions.extension,
    moduleStyle: conventions.moduleStyle,
    down,
    transaction: conventions.transaction,
  };
  return scan;
}

/** The naming pattern of a `<version>_<name>` file name, by the shape of its version. */
export function versionNaming(base: string): string {
  if (/^\d{20}_/.test(base)) return 'YYYYMMDDHHMMSS000000_name';
  if (/^\d{14}_/.test(base)) return 'YYYYMMDDHHMMSS_name';
  if (/^\d{10}_/.test(base)) return '<unix s>_name';
  const sequence = /^(\d+)_/.exec(base)?.[1];
  if (sequence) return sequence.length > 1 ? `${'0'.repeat(sequence.length - 1)}1_name` : '<n>_name';
  return 'name';
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line++;
  return line;
}

/** True when SQL text holds nothing to run (blank, or only comments): such a file is a no-op, not a syntax error. */
export function isBlankSql(text: string): boolean {
  return (
    text
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/--[^\n]*/g, '')
      .trim() === ''
  );
}
