import { createRequire } from 'node:module';
import { UserError } from '../errors.js';
import { jsonErrorOffset } from './json-position.js';

/**
 * Parsers for the manifests detect_setup reads. A malformed file is bad input: a UserError naming
 * file:line:col and how to fix it, never a crash.
 */

// Loaded on first use: commands that parse no manifest (help, check, the MCP server's start) do not pay for them.
const require = createRequire(import.meta.url);
const toml = () => require('smol-toml') as typeof import('smol-toml');
/** The YAML library, loaded on its first use. */
export const yaml = () => require('yaml') as typeof import('yaml');

export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const where = lineColumnAt(text, position ? Number(position[1]) : jsonErrorOffset(text));
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/, (\.\.\.)?"[\s\S]*$/, '');
    throw new UserError(
      'malformed-json',
      `${file} is not valid JSON: ${reason}.`,
      `Fix the JSON syntax at line ${where.line}, column ${where.column} (a missing comma or quote, or a trailing comma).`,
      { file, ...where },
    );
  }
}

export function parseTomlText(text: string, file: string): Record<string, unknown> {
  try {
    return toml().parse(text) as Record<string, unknown>;
  } catch (error) {
    const { line, column, message } = error as { line?: number; column?: number; message: string };
    const reason = message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? 'invalid TOML';
    throw new UserError(
      'malformed-toml',
      `${file} is not valid TOML: ${reason}.`,
      `Fix the TOML syntax${line !== undefined ? ` at line ${line}, column ${column ?? 1}` : ''} (unclosed bracket or quote, or a value without quotes).`,
      { file, ...(line !== undefined ? { line, column: column ?? 1 } : {}) },
    );
  }
}

export function parseYamlText(text: string, file: string): unknown {
  try {
    return yaml().parse(text);
  } catch (error) {
    const start = error instanceof yaml().YAMLParseError ? error.linePos?.[0] : undefined;
    const reason = (error as Error).message.split(' at line')[0] ?? 'invalid YAML';
    throw new UserError(
      'malformed-yaml',
      `${file} is not valid YAML: ${reason}.`,
      `Fix the YAML syntax${start ? ` at line ${start.line}, column ${start.col}` : ''} (indentation, an unclosed bracket or quote).`,
      { file, ...(start ? { line: start.line, column: start.col } : {}) },
    );
  }
}

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index++) {
    if (text.charCodeAt(index) === 10) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}
