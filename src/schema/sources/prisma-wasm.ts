import { createRequire } from 'node:module';
import { UserError } from '../../errors.js';
import type { PrismaDmmf } from './prisma-dmmf.js';

/**
 * Prisma's own schema parser and validator (`@prisma/prisma-schema-wasm`, the engine behind `prisma format` and
 * `prisma validate`) loaded in process: no Prisma CLI, no engine download, no project code.
 */

export type PrismaSchemaFile = readonly [path: string, content: string];

interface PrismaSchemaWasm {
  get_dmmf(params: string): string;
  lint(input: string): string;
}

interface LintDiagnostic {
  file_name: string;
  start: number;
  end: number;
  text: string;
  is_warning: boolean;
}

let wasm: PrismaSchemaWasm | undefined;

function loadWasm(): PrismaSchemaWasm {
  // The package is CommonJS and reads its .wasm file synchronously next to itself.
  wasm ??= createRequire(import.meta.url)('@prisma/prisma-schema-wasm') as PrismaSchemaWasm;
  return wasm;
}

/**
 * Prisma 7 rejects connection URLs in the datasource block (they moved to prisma.config.ts) while every schema
 * written for Prisma 5 and 6 has them. They say nothing about the schema's shape, so they are blanked with spaces,
 * which keeps every byte offset and line:column of the diagnostics true to the file.
 */
export function blankConnectionUrls(content: string): string {
  return content.replace(/datasource\s+\w+\s*\{[^}]*\}/g, (block) =>
    block.replace(/^([ \t]*)(url|directUrl|shadowDatabaseUrl)\s*=.*$/gm, (line) => ' '.repeat(line.length)),
  );
}

/**
 * Parses and validates the schema files and returns Prisma's DMMF, or throws a UserError at file:line:col.
 * Preview features this validator no longer knows (`metrics`, `driverAdapters`… became GA or were removed) are
 * generator options without effect on the database, so they are dropped and reported in `notices`.
 */
export function getPrismaDmmf(files: readonly PrismaSchemaFile[]): { dmmf: PrismaDmmf; notices: string[] } {
  let schemaFiles = files.map(([path, content]) => [path, blankConnectionUrls(content)] as const);
  const prisma = loadWasm();
  const parse = () =>
    JSON.parse(prisma.get_dmmf(JSON.stringify({ prismaSchema: schemaFiles, noColorErrors: true }))) as PrismaDmmf;
  try {
    return { dmmf: parse(), notices: [] };
  } catch (error) {
    const unknown = new Set(
      lintErrors(prisma, schemaFiles).flatMap((diagnostic) => {
        const name = /^The preview feature "(\w+)" is not known/.exec(diagnostic.text)?.[1];
        return name ? [name] : [];
      }),
    );
    if (unknown.size === 0) throw diagnosticsError(prisma, schemaFiles, error);
    schemaFiles = schemaFiles.map(([path, content]) => [path, withoutPreviewFeatures(content, unknown)] as const);
    try {
      const notices = [...unknown].map(
        (name) => `preview feature "${name}" is unknown to Prisma's current validator and was ignored`,
      );
      return { dmmf: parse(), notices };
    } catch (retryError) {
      throw diagnosticsError(prisma, schemaFiles, retryError);
    }
  }
}

/** Rewrites `previewFeatures = [...]` without the named features, padded with spaces to keep every offset. */
function withoutPreviewFeatures(content: string, names: Set<string>): string {
  return content.replace(/(previewFeatures\s*=\s*)\[([^\]\n]*)\]/g, (whole, prefix: string, list: string) => {
    const kept = list
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '' && !names.has(item.replace(/^"|"$/g, '')));
    return `${prefix}[${kept.join(', ')}]`.padEnd(whole.length, ' ');
  });
}

function diagnosticsError(prisma: PrismaSchemaWasm, files: readonly PrismaSchemaFile[], error: unknown): UserError {
  const fix = 'Fix the schema (the message is the Prisma schema validator’s own), then run again.';
  const located = lintErrors(prisma, files);
  const first = located[0];
  if (first) {
    const content = files.find(([path]) => path === first.file_name)?.[1] ?? '';
    const where = { file: first.file_name, ...lineAndColumn(content, first.start) };
    const others = located.slice(1).map((diagnostic) => {
      const file = files.find(([path]) => path === diagnostic.file_name)?.[1] ?? '';
      const at = lineAndColumn(file, diagnostic.start);
      return `\n  also ${diagnostic.file_name}:${at.line}:${at.column}: ${diagnostic.text}`;
    });
    return new UserError('prisma-schema-invalid', `${first.text}${others.join('')}`, fix, where);
  }
  // The validator failed on something the linter does not locate: keep its message and the file:line it names.
  const message = plainMessage(error);
  const at = /-->\s+(.+?):(\d+)/.exec(message);
  const headline = /error:\s*(.+)/.exec(message)?.[1] ?? message.split('\n')[0] ?? 'invalid Prisma schema';
  return new UserError(
    'prisma-schema-invalid',
    headline.trim(),
    fix,
    at?.[1] ? { file: at[1], line: Number(at[2]) } : undefined,
  );
}

function lintErrors(prisma: PrismaSchemaWasm, files: readonly PrismaSchemaFile[]): LintDiagnostic[] {
  try {
    const diagnostics = JSON.parse(prisma.lint(JSON.stringify(files))) as LintDiagnostic[];
    return diagnostics.filter((diagnostic) => !diagnostic.is_warning);
  } catch {
    return [];
  }
}

/** The validator's message as text: the thrown value is a JSON object with an ANSI-coloured `message`. */
function plainMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  let message = raw;
  try {
    message = (JSON.parse(raw) as { message?: string }).message ?? raw;
  } catch {
    // not JSON: use as is
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the validator's ANSI colour codes
  return message.replace(/\u001b\[[0-9;]*m/g, '');
}

/** 1-based line and column of a UTF-8 byte offset (the linter counts bytes). */
function lineAndColumn(content: string, byteOffset: number): { line: number; column: number } {
  const before = Buffer.from(content, 'utf8').subarray(0, byteOffset).toString('utf8');
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}
