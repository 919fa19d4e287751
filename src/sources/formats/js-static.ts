import type { Engine, Statement } from '../../model.js';
import { splitSql } from '../../sql/split.js';
import { dialectOf } from '../statements.js';

/**
 * Reads SQL out of JavaScript/TypeScript migration source without running it: the bodies of `up`/`down`, and
 * the string-literal arguments of calls such as MikroORM's `this.addSql('…')` or db-migrate's `db.runSql('…')`.
 * A lexer-level reader (comments, strings and template literals are understood; nothing is evaluated), so an
 * argument that is not a literal is reported with its line instead of being guessed.
 */

/** The source with comments and the contents of strings blanked (same length, newlines kept). */
export function codeOnly(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let index = from; index < to; index++) if (out[index] !== '\n') out[index] = ' ';
  };
  // Each entry: a template literal (`template`) or the brace depth of a `${…}` inside one (`code`).
  const stack: { kind: 'template' | 'code'; depth: number }[] = [];
  let depth = 0;
  let index = 0;
  const inTemplate = () => stack[stack.length - 1]?.kind === 'template';
  while (index < text.length) {
    const char = text[index];
    if (inTemplate()) {
      const start = index;
      while (index < text.length && text[index] !== '`' && !(text[index] === '$' && text[index + 1] === '{')) {
        index += text[index] === '\\' ? 2 : 1;
      }
      blank(start, Math.min(index, text.length));
      if (text[index] === '`') {
        stack.pop();
        index++;
      } else if (index < text.length) {
        stack.push({ kind: 'code', depth });
        depth++;
        index += 2;
      }
      continue;
    }
    if (char === '/' && text[index + 1] === '/') {
      const end = text.indexOf('\n', index);
      blank(index, end === -1 ? text.length : end);
      index = end === -1 ? text.length : end;
    } else if (char === '/' && text[index + 1] === '*') {
      const end = text.indexOf('*/', index + 2);
      const stop = end === -1 ? text.length : end + 2;
      blank(index, stop);
      index = stop;
    } else if (char === '"' || char === "'") {
      const end = stringEnd(text, index);
      blank(index + 1, end - 1);
      index = end;
    } else if (char === '`') {
      stack.push({ kind: 'template', depth });
      index++;
    } else {
      if (char === '{') depth++;
      else if (char === '}') {
        depth--;
        const top = stack[stack.length - 1];
        if (top?.kind === 'code' && top.depth === depth) {
          stack.pop();
        }
      }
      index++;
    }
  }
  return out.join('');
}

/** Index just past the closing quote of the string literal opening at `start`. */
function stringEnd(text: string, start: number): number {
  const quote = text[start];
  let index = start + 1;
  while (index < text.length && text[index] !== quote && text[index] !== '\n') index += text[index] === '\\' ? 2 : 1;
  return Math.min(index + 1, text.length);
}

export interface Body {
  /** Offsets of the body's text (inside the braces, or the expression of an arrow function). */
  start: number;
  end: number;
  /** Offset of the definition, for its line. */
  at: number;
  /** The first parameter's name (`pgm`, `db`, `knex`), when there is one. */
  parameter?: string;
}

/**
 * The body of the `up` or `down` function: a class or object method (`async up(): Promise<void> {`), a function
 * declaration (`export async function up(db) {`), or an assignment (`exports.up = function (db) {`,
 * `exports.up = async (pgm) => …`, `up: (db) => {`).
 */
export function functionBody(text: string, name: string, code = codeOnly(text)): Body | undefined {
  const definitions = [
    new RegExp(
      `(?:^|[\\s;{}])(?:(?:public|override|static|export|async|function)\\s+)*${name}\\s*\\(([^)]*)\\)\\s*(?::[^{;=]*)?\\{`,
      'g',
    ),
    new RegExp(
      `\\b${name}\\s*[:=]\\s*(?:async\\s+)?(?:function\\s*\\w*\\s*)?(?:\\(([^)]*)\\)|(\\w+))\\s*(?::[^{;=]*)?(=>)?\\s*`,
      'g',
    ),
  ];
  for (const pattern of definitions) {
    for (const match of code.matchAll(pattern)) {
      const parameter = /^\s*(\w+)/.exec(match[1] ?? match[2] ?? '')?.[1];
      const after = match.index + match[0].length;
      if (match[0].endsWith('{')) return braced(code, after - 1, match.index, parameter);
      // An assignment: `function (…) {` / `(…) => {` open a block; `(…) => expression` is the body itself.
      if (code[after] === '{') return braced(code, after, match.index, parameter);
      if (match[3] === '=>')
        return { start: after, end: expressionEnd(code, after), at: match.index, ...(parameter ? { parameter } : {}) };
    }
  }
  return undefined;
}

function braced(code: string, open: number, at: number, parameter: string | undefined): Body | undefined {
  let depth = 0;
  for (let index = open; index < code.length; index++) {
    if (code[index] === '{') depth++;
    else if (code[index] === '}' && --depth === 0) {
      return { start: open + 1, end: index, at, ...(parameter ? { parameter } : {}) };
    }
  }
  return undefined;
}

/** End of an arrow function's expression body: the first `;` or `,`/`)`/`}` that closes nothing it opened. */
function expressionEnd(code: string, start: number): number {
  let depth = 0;
  for (let index = start; index < code.length; index++) {
    const char = code[index];
    if (char === '(' || char === '[' || char === '{') depth++;
    else if (char === ')' || char === ']' || char === '}') {
      if (depth === 0) return index;
      depth--;
    } else if ((char === ';' || char === ',') && depth === 0) return index;
  }
  return code.length;
}

/** An `if` block or its `else` block inside a body: offsets of its text, the `if` line and its condition. */
export interface ConditionalBlock {
  start: number;
  end: number;
  line: number;
  condition: string;
  /** The `else` block: it runs when the condition is false. */
  otherwise: boolean;
}

/** The `if (…) {…}` blocks of a body and their `else {…}` blocks (an `else if` is a block of its own). */
export function conditionalBlocks(text: string, body: Body, code = codeOnly(text)): ConditionalBlock[] {
  const blocks: ConditionalBlock[] = [];
  for (const match of code.slice(body.start, body.end).matchAll(/(?<![\w$.])if\s*\(/g)) {
    const at = body.start + match.index;
    const open = at + match[0].length - 1;
    const close = closing(code, open, '(', ')');
    if (close === undefined) continue;
    const condition = text
      .slice(open + 1, close)
      .replace(/\s+/g, ' ')
      .trim();
    const line = positionAt(text, at).line;
    const then = blockAt(code, close + 1);
    blocks.push({ ...then, line, condition, otherwise: false });
    const after = skipSpace(code, then.end);
    if (!/^else(?![\w$])/.test(code.slice(after, after + 5))) continue;
    const otherwise = skipSpace(code, after + 4);
    if (code[otherwise] === '{') blocks.push({ ...blockAt(code, otherwise), line, condition, otherwise: true });
  }
  return blocks;
}

/** The statement at `from`: a braced block, or a single statement up to its `;`. */
function blockAt(code: string, from: number): { start: number; end: number } {
  const start = skipSpace(code, from);
  const end = code[start] === '{' ? closing(code, start, '{', '}') : code.indexOf(';', start);
  return { start, end: end === undefined || end === -1 ? code.length : end + 1 };
}

/** Offset of the bracket that closes the one at `open`. */
function closing(code: string, open: number, opener: string, closer: string): number | undefined {
  let depth = 0;
  for (let index = open; index < code.length; index++) {
    if (code[index] === opener) depth++;
    else if (code[index] === closer && --depth === 0) return index;
  }
  return undefined;
}

/** A call found in a body: its position, and the SQL when its first argument is a string literal. */
export interface LiteralCall {
  callee: string;
  line: number;
  column: number;
  /** The literal's value (cooked, as JavaScript reads it), when the argument is literal. */
  sql?: string;
  /** Line and column where the literal's text starts, so statements inside it map to file lines. */
  literal?: { line: number; column: number; joined: boolean };
  /** Why the SQL is not statically known (a variable, a template with `${…}`, a function call). */
  reason?: string;
}

/** Calls matching `callee` (a regular expression source ending before the `(`) inside a body. */
export function callsIn(text: string, body: Body, callee: string, code = codeOnly(text)): LiteralCall[] {
  const calls: LiteralCall[] = [];
  const pattern = new RegExp(`${callee}\\s*\\(`, 'g');
  const slice = code.slice(body.start, body.end);
  for (const match of slice.matchAll(pattern)) {
    const at = body.start + match.index;
    const position = positionAt(text, at);
    const argumentStart = body.start + match.index + match[0].length;
    const argument = constantArgument(text, code, argumentStart) ?? literalArgument(text, argumentStart);
    calls.push({ callee: match[0].replace(/\s*\($/, ''), ...position, ...argument });
  }
  return calls;
}

/** Method calls on `receiver` (e.g. `this`, `db`) in a body, by name, with their positions. */
export function methodCalls(
  text: string,
  body: Body,
  receiver: string,
  code = codeOnly(text),
): { name: string; line: number; column: number; offset: number }[] {
  const pattern = new RegExp(`(?<![\\w.$])${receiver}\\s*\\.\\s*(\\w+)\\s*\\(`, 'g');
  return [...code.slice(body.start, body.end).matchAll(pattern)].map((match) => ({
    name: match[1] ?? '',
    offset: body.start + match.index,
    ...positionAt(text, body.start + match.index),
  }));
}

/**
 * The first argument at `start` when it is a name the file declares once, as a `const` set to string literals
 * (Medusa's `const sql = `…`; this.addSql(sql)`): a const is never reassigned, so its value is the literal's.
 */
function constantArgument(text: string, code: string, start: number): ReturnType<typeof literalArgument> | undefined {
  const name = /^\s*([A-Za-z_$][\w$]*)\s*[,)]/.exec(code.slice(start))?.[1];
  if (!name) return undefined;
  const escaped = name.replace(/\$/g, '\\$');
  const declarations = [...code.matchAll(new RegExp(`(?<![\\w$.])(const|let|var)\\s+${escaped}\\s*=\\s*`, 'g'))];
  const declaration = declarations[0];
  if (declarations.length !== 1 || declaration?.[1] !== 'const' || declaration.index > start) return undefined;
  const value = literalArgument(text, declaration.index + declaration[0].length, true);
  if (value.sql !== undefined) return value;
  const line = positionAt(text, declaration.index).line;
  return { reason: `its argument \`${name}\` is the const of line ${line}, and ${value.reason}` };
}

/**
 * The first argument at `start` when it is string literals (`'…'`, `"…"`, `` `…` `` without `${…}`), possibly
 * joined with `+`, ending at `,` or `)`.
 */
function literalArgument(
  text: string,
  start: number,
  initializer = false,
): Pick<LiteralCall, 'sql' | 'literal' | 'reason'> {
  let index = skipSpace(text, start);
  const first = positionAt(text, index);
  let value = '';
  let pieces = 0;
  let joined = false;
  for (;;) {
    const quote = text[index];
    if (quote !== "'" && quote !== '"' && quote !== '`') {
      const word = /^[^,)\s]*/.exec(text.slice(index))?.[0] || text.slice(index, index + 20);
      return { reason: `its argument \`${word.slice(0, 40)}\` is not a string literal` };
    }
    const end = quote === '`' ? templateEnd(text, index) : stringEnd(text, index);
    if (end === undefined) return { reason: 'its template literal has substitutions' };
    const raw = text.slice(index + 1, end - 1);
    value += cook(raw);
    if (pieces > 0) joined = true;
    pieces++;
    index = skipSpace(text, end);
    if (text[index] === '+') {
      index = skipSpace(text, index + 1);
      continue;
    }
    if (text[index] === ',' || text[index] === ')') break;
    if (initializer && initializerEnds(text, end, index)) break;
    return { reason: 'its argument is not only string literals' };
  }
  return { sql: value, literal: { line: first.line, column: first.column + 1, joined } };
}

/**
 * Whether a declaration's initializer ends between a literal (ending at `end`) and the next token at `next`: at
 * `;` or `}`, or at a line break before a token that starts a new statement (JavaScript's automatic semicolon).
 */
function initializerEnds(text: string, end: number, next: number): boolean {
  const token = text[next];
  if (token === undefined || token === ';' || token === '}') return true;
  return text.slice(end, next).includes('\n') && /[\w$]/.test(token);
}

/** End of a template literal without substitutions; undefined when it has `${…}`. */
function templateEnd(text: string, start: number): number | undefined {
  let index = start + 1;
  while (index < text.length && text[index] !== '`') {
    if (text[index] === '$' && text[index + 1] === '{') return undefined;
    index += text[index] === '\\' ? 2 : 1;
  }
  return index + 1;
}

function skipSpace(text: string, index: number): number {
  let at = index;
  for (;;) {
    while (at < text.length && /\s/.test(text[at] ?? '')) at++;
    if (text.startsWith('//', at)) at = text.indexOf('\n', at) === -1 ? text.length : text.indexOf('\n', at);
    else if (text.startsWith('/*', at)) at = text.indexOf('*/', at) === -1 ? text.length : text.indexOf('*/', at) + 2;
    else return at;
  }
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** A literal's text as JavaScript reads it (escape sequences resolved). */
function cook(raw: string): string {
  return raw.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r?\n|.)/g, (_, sequence: string) => {
    if (sequence.startsWith('u{')) return String.fromCodePoint(Number.parseInt(sequence.slice(2, -1), 16));
    if (/^[ux]/.test(sequence) && sequence.length > 1)
      return String.fromCharCode(Number.parseInt(sequence.slice(1), 16));
    if (sequence === '\n' || sequence === '\r\n') return '';
    return ESCAPES[sequence] ?? sequence;
  });
}

export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line++;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The statements of a literal call, split for the engine; each one's origin is its line in the source file
 * (a literal written over several lines maps line by line; literals joined with `+` map to the call's line).
 */
export function literalStatements(call: LiteralCall, file: string, engine: Engine | undefined): Statement[] {
  if (call.sql === undefined) return [];
  return splitSql(call.sql, dialectOf(engine)).map((statement) => {
    const exact = call.literal && !call.literal.joined;
    const line = exact ? (call.literal?.line ?? call.line) + statement.span.start.line - 1 : call.line;
    const column =
      exact && statement.span.start.line === 1
        ? (call.literal?.column ?? 1) + statement.span.start.column - 1
        : exact
          ? statement.span.start.column
          : call.column;
    return { ...statement, origin: { file, line, column } };
  });
}
