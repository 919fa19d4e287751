import type { MigrationDraft, WriteContext } from '../../generate/types.js';
import type { MigrationScan } from '../types.js';

/**
 * The code style of a JS/TS migration folder, read from its newest migrations, so a generated file looks like the
 * ones next to it: module system, extension, indentation, quotes, semicolons and how functions are written.
 */
export interface JsStyle {
  module: 'esm' | 'cjs' | 'ts';
  /** With the dot: .js, .ts, .mjs, .cjs, .mts, .cts. */
  extension: string;
  indent: string;
  quote: "'" | '"';
  semicolons: boolean;
  functions: 'function' | 'arrow';
}

export const DEFAULT_JS_STYLE: JsStyle = {
  module: 'cjs',
  extension: '.js',
  indent: '  ',
  quote: "'",
  semicolons: true,
  functions: 'function',
};

const CODE_FILE = /\.(c|m)?(js|ts)$/;

/** The newest migration file of the folder that is code (not a .d.ts, not an SQL sidecar), with its text. */
export function newestCodeMigration(
  folder: MigrationScan,
  context: WriteContext,
): { path: string; text: string } | undefined {
  return newestCodeMigrations(folder, context, 1)[0];
}

/**
 * The style of the folder's newest migrations: each trait from the newest file that shows it (a file of one
 * template literal shows no quote style), `defaults` (the tool's own template) for what none shows.
 */
export function detectJsStyle(
  folder: MigrationScan,
  context: WriteContext,
  defaults: JsStyle = DEFAULT_JS_STYLE,
): JsStyle {
  const newest = newestCodeMigrations(folder, context, 3);
  if (!newest.length) return defaults;
  const traits = newest.map((file) => traitsOf(file.path, file.text));
  const first = <K extends keyof JsStyle>(key: K): JsStyle[K] =>
    (traits.find((trait) => trait[key] !== undefined)?.[key] as JsStyle[K] | undefined) ?? defaults[key];
  return {
    module: first('module'),
    extension: first('extension'),
    indent: first('indent'),
    quote: first('quote'),
    semicolons: first('semicolons'),
    functions: first('functions'),
  };
}

function newestCodeMigrations(folder: MigrationScan, context: WriteContext, count: number) {
  const found: { path: string; text: string }[] = [];
  for (const migration of [...folder.migrations].reverse()) {
    if (found.length === count) break;
    if (!CODE_FILE.test(migration.path) || /\.d\.[cm]?ts$/.test(migration.path)) continue;
    const text = context.read(migration.path);
    if (text !== undefined) found.push({ path: migration.path, text });
  }
  return found;
}

export function styleOf(file: string, text: string, defaults: JsStyle = DEFAULT_JS_STYLE): JsStyle {
  const traits = traitsOf(file, text);
  return {
    module: traits.module ?? defaults.module,
    extension: traits.extension ?? defaults.extension,
    indent: traits.indent ?? defaults.indent,
    quote: traits.quote ?? defaults.quote,
    semicolons: traits.semicolons ?? defaults.semicolons,
    functions: traits.functions ?? defaults.functions,
  };
}

/** What one file shows of the style; undefined where it shows nothing. */
function traitsOf(file: string, text: string): Partial<JsStyle> {
  const extension = /\.(c|m)?(js|ts)$/.exec(file)?.[0];
  const code = masked(text);
  const module: JsStyle['module'] | undefined = extension?.endsWith('ts')
    ? 'ts'
    : extension === '.mjs'
      ? 'esm'
      : extension === '.cjs'
        ? 'cjs'
        : /^\s*(import\s|export\s)/m.test(code)
          ? 'esm'
          : /\b(module\.)?exports\b|\brequire\s*\(/.test(code)
            ? 'cjs'
            : undefined;
  const traits: Partial<JsStyle> = {};
  if (extension) traits.extension = extension;
  if (module) traits.module = module;
  const indent = indentOf(code);
  if (indent) traits.indent = indent;
  const quote = quoteOf(code);
  if (quote) traits.quote = quote;
  const semicolons = semicolonsOf(code);
  if (semicolons !== undefined) traits.semicolons = semicolons;
  const functions = functionsOf(code);
  if (functions) traits.functions = functions;
  return traits;
}

/**
 * The code with comments removed and the contents of strings and template literals replaced by `x` (line breaks
 * kept): the SQL inside them says nothing about the code's own quotes or indentation.
 */
export function masked(text: string): string {
  let out = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    const next = text[index + 1];
    if (char === '/' && next === '/') {
      while (index < text.length && text[index] !== '\n') index++;
      continue;
    }
    if (char === '/' && next === '*') {
      const close = text.indexOf('*/', index + 2);
      const stop = close === -1 ? text.length : close + 2;
      out += text.slice(index, stop).replace(/[^\n]/g, '');
      index = stop;
      continue;
    }
    if (char === "'" || char === '"' || char === '`') {
      out += char;
      index++;
      while (index < text.length && text[index] !== char) {
        if (text[index] === '\\') {
          out += 'xx';
          index += 2;
          continue;
        }
        if (char !== '`' && text[index] === '\n') break;
        out += text[index] === '\n' ? '\n' : 'x';
        index++;
      }
      if (index < text.length && text[index] === char) out += char;
      index++;
      continue;
    }
    out += char;
    index++;
  }
  return out;
}

function indentOf(code: string): string | undefined {
  const indents = code
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => /^[ \t]+/.exec(line)?.[0])
    .filter((indent): indent is string => indent !== undefined);
  if (!indents.length) return undefined;
  if (indents.filter((indent) => indent.startsWith('\t')).length * 2 > indents.length) return '\t';
  const widths = indents.filter((indent) => !indent.includes('\t')).map((indent) => indent.length);
  const smallest = Math.min(...widths);
  return Number.isFinite(smallest) && smallest > 0 ? ' '.repeat(Math.min(smallest, 8)) : undefined;
}

function quoteOf(code: string): JsStyle['quote'] | undefined {
  const single = (code.match(/'x*'/g) ?? []).length;
  const double = (code.match(/"x*"/g) ?? []).length;
  if (single === double) return undefined;
  return single > double ? "'" : '"';
}

function semicolonsOf(code: string): boolean | undefined {
  const lines = code.split('\n').map((line) => line.trimEnd());
  const ended = lines.filter((line) => /;$/.test(line)).length;
  // Lines that end a statement when there are no semicolons: a call or value at the end of a line.
  const bare = lines.filter((line) => /[)\w'"`\]]$/.test(line) && !/^\s*x*$/.test(line)).length;
  if (!ended && !bare) return undefined;
  return ended >= bare / 2;
}

function functionsOf(code: string): JsStyle['functions'] | undefined {
  if (/\bup\s*[:=]\s*(async\s*)?(\([^)]*\)|\w+)\s*=>/.test(code)) return 'arrow';
  if (/\bfunction\b[^(]*\(|\basync\s+up\s*\(|\bup\s*\([^)]*\)\s*(:[^{]+)?\{/.test(code)) return 'function';
  return undefined;
}

/**
 * A JS string literal of `text` in the project's quote style; a template literal when it spans lines or holds the
 * quote (SQL's own string literals), as hand-written migrations do.
 */
export function jsString(text: string, style: Pick<JsStyle, 'quote'>): string {
  if (text.includes('\n') || text.includes(style.quote)) return templateLiteral(text);
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(new RegExp(style.quote, 'g'), `\\${style.quote}`)
    .replace(/\r/g, '\\r')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `${style.quote}${escaped}${style.quote}`;
}

/** A template literal whose value is exactly `text` (also as a tagged template's cooked strings: Kysely's sql``). */
export function templateLiteral(text: string): string {
  return `\`${templateBody(text)}\``;
}

export function templateBody(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${').replace(/\r/g, '\\r');
}

/** One line of generated code: its nesting depth and text (a multi-line SQL literal stays unindented after its first line). */
export type CodeLine = [depth: number, text: string];

export function renderLines(lines: CodeLine[], style: Pick<JsStyle, 'indent'>): string {
  return `${lines.map(([depth, text]) => (text === '' ? '' : style.indent.repeat(depth) + text)).join('\n')}\n`;
}

/** `;` when the project ends statements with one. */
export const end = (style: Pick<JsStyle, 'semicolons'>) => (style.semicolons ? ';' : '');

/** The migration's file name: the folder's file-name prefix pattern, then the name, then the style's extension. */
export function newestName(folder: MigrationScan): string | undefined {
  const newest = folder.migrations.at(-1)?.path;
  return newest ? newest.slice(newest.lastIndexOf('/') + 1) : undefined;
}

export function inFolder(folder: MigrationScan, file: string): string {
  return folder.dir.path === '.' || folder.dir.path === '' ? file : `${folder.dir.path}/${file}`;
}

/**
 * The exported `up`/`down` functions around a body, in the project's module system and function style:
 * `exports.up = async function (knex) {`, `export async function up(knex: Knex): Promise<void> {`,
 * `export const up = async (knex) => {`.
 */
export function exportedFunction(
  name: string,
  params: { js: string; ts: string },
  body: CodeLine[],
  style: JsStyle,
  { async = true }: { async?: boolean } = {},
): CodeLine[] {
  const asyncWord = async ? 'async ' : '';
  const returns = style.module === 'ts' ? `: ${async ? 'Promise<void>' : 'void'}` : '';
  const args = style.module === 'ts' ? params.ts : params.js;
  let open: string;
  let close = '}';
  if (style.module === 'cjs') {
    open =
      style.functions === 'arrow'
        ? `exports.${name} = ${asyncWord}(${args}) => {`
        : `exports.${name} = ${asyncWord}function (${args}) {`;
    close = `}${end(style)}`;
  } else if (style.functions === 'arrow') {
    open = `export const ${name} = ${asyncWord}(${args})${returns} => {`;
    close = `}${end(style)}`;
  } else open = `export ${asyncWord}function ${name}(${args})${returns} {`;
  return [[0, open], ...body.map(([depth, text]): CodeLine => [depth + 1, text]), [0, close]];
}

/** `exports.name = value;` or `export const name = value;` */
export function exportedValue(name: string, value: string, style: JsStyle, type?: string): CodeLine {
  if (style.module === 'cjs') return [0, `exports.${name} = ${value}${end(style)}`];
  return [0, `export const ${name}${style.module === 'ts' && type ? `: ${type}` : ''} = ${value}${end(style)}`];
}

/** A comment block of sentences, one `//` line each. */
export function comment(lines: string[], depth = 0): CodeLine[] {
  // A sentence from the caller (applicationChange) may hold line breaks: each line gets its own `//`.
  return lines
    .flatMap((line) => line.split(/\r?\n|\r|\u2028|\u2029/))
    .map((line): CodeLine => [depth, `// ${line}`.trimEnd()]);
}

/** What a reader of the file should know first: the phase it belongs to and what the application must do before it. */
export function draftHeader(draft: MigrationDraft): CodeLine[] {
  const lines: string[] = [];
  if (draft.phase) lines.push(`Phase ${draft.phase.index} of ${draft.phase.of} (${draft.phase.label}).`);
  if (draft.applicationChange) lines.push(`Before it runs: ${draft.applicationChange}`);
  return comment(lines);
}

/** Statements rendered one call each, e.g. `await knex.raw('…');`, at depth 0 (the function body indents them). */
export function calls(statements: string[], call: (sql: string) => string, style: JsStyle): CodeLine[] {
  return statements.map((sql): CodeLine => [0, `${call(sql)}${end(style)}`]);
}
