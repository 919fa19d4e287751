/**
 * A reader for the shape of Ruby (Rails) and Elixir (Ecto) migration files, enough to translate their DSL calls
 * statically: logical statements with their line (continuation lines, brackets and multi-line strings joined),
 * `do … end` blocks nested as a tree, and literal values (symbols, strings, numbers, arrays, keyword lists,
 * calls). Nothing is evaluated; what is not a literal stays as its source text.
 */
export interface DslNode {
  /** The statement text, `do |t|` removed for a block opener. */
  text: string;
  line: number;
  /** Present when the statement opens a block (`do … end`, or a Ruby `def`/`class`/`if` … `end`). */
  children?: DslNode[];
  /** Block parameters (`|t|`, `|dir|`). */
  params?: string;
  /** What follows the block's closing `end` on its line: a Ruby loop's `until …` / `while …`. */
  after?: string;
}

export type DslValue =
  | { kind: 'symbol'; value: string }
  | { kind: 'string'; value: string; interpolated: boolean }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'array'; items: DslValue[] }
  | { kind: 'keywords'; entries: [string, DslValue][] }
  | { kind: 'call'; name: string; args: DslArgs; block?: string }
  | { kind: 'lambda'; body: string }
  | { kind: 'raw'; text: string };

export interface DslArgs {
  positional: DslValue[];
  keywords: Map<string, DslValue>;
}

export type DslLanguage = 'ruby' | 'elixir';

const RUBY_OPENERS = /^(def|class|module|if|unless|case|while|until|begin|for)\b/;

/** Splits source into logical statements (1-based lines) and nests `do … end` blocks. */
export function parseDslTree(source: string, language: DslLanguage, firstLine = 1): DslNode[] {
  const statements = logicalStatements(source, language, firstLine);
  const root: DslNode[] = [];
  const stack: DslNode[][] = [root];
  const open: DslNode[] = [];
  for (const statement of statements) {
    const current = stack[stack.length - 1]!;
    // `end`, or Ruby's `end until …` / `end while …` closing a `begin … end` loop.
    const after = /^end\b\s*(.*)$/s.exec(statement.text)?.[1];
    if (after !== undefined && (after.length === 0 || (language === 'ruby' && /^(until|while)\b/.test(after)))) {
      if (stack.length > 1) {
        stack.pop();
        const closed = open.pop();
        if (closed && after) closed.after = after;
      }
      continue;
    }
    const opener = /\s+do(\s*\|([^|]*)\|)?\s*$/.exec(statement.text);
    const elixirFn = language === 'elixir' && /\bfn\b[\s\S]*->\s*$/.test(statement.text);
    if (opener || elixirFn || (language === 'ruby' && RUBY_OPENERS.test(statement.text))) {
      const node: DslNode = {
        text: opener ? statement.text.slice(0, opener.index).trim() : statement.text,
        line: statement.line,
        children: [],
        ...(opener?.[2] !== undefined ? { params: opener[2].trim() } : {}),
      };
      current.push(node);
      stack.push(node.children!);
      open.push(node);
      continue;
    }
    current.push(statement);
  }
  return root;
}

/** Joins continuation lines into statements; Ruby heredocs become string literals in place. */
function logicalStatements(source: string, language: DslLanguage, firstLine: number): DslNode[] {
  const out: DslNode[] = [];
  let text = '';
  let startLine = firstLine;
  let line = firstLine;
  let depth = 0;
  let index = 0;
  const pendingHeredocs: { id: string; placeholder: number; squiggly: boolean }[] = [];
  const heredocBodies: string[] = [];
  const flush = () => {
    const trimmed = text.trim();
    if (trimmed) out.push({ text: substituteHeredocs(trimmed, heredocBodies), line: startLine });
    text = '';
  };
  while (index < source.length) {
    const char = source[index]!;
    if (!text.trim()) startLine = line;
    if (char === '#' && !(language === 'ruby' && source[index + 1] === '{')) {
      while (index < source.length && source[index] !== '\n') index++;
      continue;
    }
    if (char === '"' || char === "'" || (char === '`' && language === 'ruby')) {
      const end = stringEnd(source, index);
      const literal = source.slice(index, end);
      line += countNewlines(literal);
      text += literal;
      index = end;
      continue;
    }
    if (language === 'elixir' && char === '~' && /[a-zA-Z]/.test(source[index + 1] ?? '')) {
      const end = sigilEnd(source, index);
      const literal = source.slice(index, end);
      line += countNewlines(literal);
      text += literal;
      index = end;
      continue;
    }
    if (language === 'ruby' && char === '<' && source.startsWith('<<', index)) {
      const heredoc = /^<<([~-]?)(['"]?)([A-Z_][A-Z0-9_]*)\2/.exec(source.slice(index));
      if (heredoc) {
        pendingHeredocs.push({ id: heredoc[3]!, placeholder: heredocBodies.length, squiggly: heredoc[1] === '~' });
        heredocBodies.push('');
        text += `\uE000${heredocBodies.length - 1}\uE000`;
        index += heredoc[0].length;
        continue;
      }
    }
    if (char === '\n') {
      line++;
      index++;
      // Heredoc bodies start on the next line and run to the terminator line.
      while (pendingHeredocs.length) {
        const heredoc = pendingHeredocs.shift()!;
        const lines: string[] = [];
        while (index < source.length) {
          const lineEnd = source.indexOf('\n', index);
          const current = source.slice(index, lineEnd === -1 ? source.length : lineEnd);
          index = lineEnd === -1 ? source.length : lineEnd + 1;
          line++;
          if (current.trim() === heredoc.id) break;
          lines.push(current);
        }
        heredocBodies[heredoc.placeholder] = heredoc.squiggly ? dedent(lines).join('\n') : lines.join('\n');
      }
      const trimmed = text.trimEnd();
      const continues =
        depth > 0 ||
        (/[,\\([{|&+\-*/=.]$/.test(trimmed) && !/\|[^|]*\|$/.test(trimmed) && !/(^|\s)(do|->)$/.test(trimmed));
      if (continues) {
        text += '\n';
        continue;
      }
      flush();
      continue;
    }
    if (char === ';' && depth === 0) {
      flush();
      index++;
      continue;
    }
    if ('([{'.includes(char)) depth++;
    if (')]}'.includes(char)) depth = Math.max(0, depth - 1);
    text += char;
    index++;
  }
  flush();
  return out;
}

function dedent(lines: string[]): string[] {
  const indents = lines.filter((line) => line.trim()).map((line) => /^\s*/.exec(line)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(cut));
}

function substituteHeredocs(text: string, bodies: string[]): string {
  return text.replace(/\uE000(\d+)\uE000/g, (_match, index: string) => JSON.stringify(bodies[Number(index)] ?? ''));
}

function countNewlines(text: string): number {
  let count = 0;
  for (const char of text) if (char === '\n') count++;
  return count;
}

/** Index after a quoted string starting at `start` (triple quotes for Elixir heredocs). */
export function stringEnd(source: string, start: number): number {
  const quote = source[start]!;
  if (source.startsWith(quote.repeat(3), start)) {
    const close = source.indexOf(quote.repeat(3), start + 3);
    return close === -1 ? source.length : close + 3;
  }
  let index = start + 1;
  let interpolation = 0;
  while (index < source.length) {
    const char = source[index]!;
    if (char === '\\') {
      index += 2;
      continue;
    }
    if (quote === '"' && char === '#' && source[index + 1] === '{') {
      interpolation++;
      index += 2;
      continue;
    }
    if (interpolation && char === '}') interpolation--;
    else if (!interpolation && char === quote) return index + 1;
    index++;
  }
  return source.length;
}

const SIGIL_PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };

function sigilEnd(source: string, start: number): number {
  let index = start + 1;
  while (/[a-zA-Z]/.test(source[index] ?? '')) index++;
  if (source.startsWith('"""', index) || source.startsWith("'''", index)) {
    const close = source.indexOf(source.slice(index, index + 3), index + 3);
    index = close === -1 ? source.length : close + 3;
  } else {
    const open = source[index] ?? '';
    const close = SIGIL_PAIRS[open] ?? open;
    index++;
    while (index < source.length && source[index] !== close) index += source[index] === '\\' ? 2 : 1;
    index++;
  }
  while (/[a-zA-Z]/.test(source[index] ?? '')) index++;
  return index;
}

// ---------------------------------------------------------------------------------------------- values

class ValueParser {
  index = 0;
  constructor(
    readonly text: string,
    readonly language: DslLanguage,
  ) {}

  rest(): string {
    return this.text.slice(this.index);
  }

  skipSpace(): void {
    while (this.index < this.text.length && /\s/.test(this.text[this.index]!)) this.index++;
  }

  done(): boolean {
    this.skipSpace();
    return this.index >= this.text.length;
  }

  /** Comma-separated arguments (positional, then `key: value` / `key => value` pairs), until `closer` or the end. */
  args(closer?: string): DslArgs {
    const args: DslArgs = { positional: [], keywords: new Map() };
    for (;;) {
      this.skipSpace();
      if (this.index >= this.text.length || (closer && this.text[this.index] === closer)) break;
      const key = /^([a-z_][\w]*[?!]?):(?!:)\s|^"([^"]+)":\s|^:([a-z_]\w*)\s*=>\s*|^["']([^"']+)["']\s*=>\s*/i.exec(
        this.rest(),
      );
      if (key) {
        this.index += key[0].length;
        const value = this.value();
        args.keywords.set(key[1] ?? key[2] ?? key[3] ?? key[4] ?? '', value);
      } else {
        const value = this.value();
        // An Elixir keyword list as the last argument: `[null: false]` is read the same as `null: false`.
        if (value.kind === 'keywords' && this.language === 'elixir') {
          for (const [name, entry] of value.entries) args.keywords.set(name, entry);
        } else args.positional.push(value);
      }
      this.skipSpace();
      if (this.text[this.index] === ',') {
        this.index++;
        continue;
      }
      break;
    }
    return args;
  }

  value(): DslValue {
    this.skipSpace();
    const rest = this.rest();
    const start = this.index;
    const symbol = /^:("([^"]*)"|[a-zA-Z_]\w*[?!]?)/.exec(rest);
    if (symbol && !rest.startsWith('::')) {
      this.index += symbol[0].length;
      return { kind: 'symbol', value: symbol[2] ?? symbol[1]! };
    }
    if (rest[0] === '"' || rest[0] === "'") {
      const end = stringEnd(this.text, this.index);
      this.index = end;
      return this.stringMethods(stringValue(this.text.slice(start, end)));
    }
    if (this.language === 'elixir' && /^~[a-zA-Z]/.test(rest)) {
      const end = sigilEnd(this.text, this.index);
      this.index = end;
      return sigilValue(this.text.slice(start, end));
    }
    if (this.language === 'ruby' && /^%[wi][[({<]/.test(rest)) {
      const close = SIGIL_PAIRS[rest[2]!]!;
      const end = this.text.indexOf(close, this.index + 3);
      const words = this.text
        .slice(this.index + 3, end === -1 ? undefined : end)
        .split(/\s+/)
        .filter(Boolean);
      this.index = end === -1 ? this.text.length : end + 1;
      return {
        kind: 'array',
        items: words.map((word) =>
          rest[1] === 'i' ? { kind: 'symbol', value: word } : { kind: 'string', value: word, interpolated: false },
        ),
      };
    }
    if (this.language === 'ruby' && /^%[qQ]?[({[<]/.test(rest)) {
      const open = this.index + (rest[1] === '(' || rest[1] === '{' || rest[1] === '[' || rest[1] === '<' ? 1 : 2);
      const close = matching(this.text, open);
      const body = this.text.slice(open + 1, close);
      this.index = close + 1;
      const lines = dedent(body.replace(/^\n/, '').split('\n'));
      return this.stringMethods({
        kind: 'string',
        value: lines.join('\n').trim(),
        interpolated: rest[1] !== 'q' && body.includes('#{'),
      });
    }
    const number = /^-?\d[\d_]*(\.\d+)?/.exec(rest);
    if (number) {
      this.index += number[0].length;
      return { kind: 'number', value: Number(number[0].replaceAll('_', '')) };
    }
    if (rest[0] === '[') {
      this.index++;
      this.skipSpace();
      if (/^[a-z_]\w*:\s/.test(this.rest())) {
        const inner = this.args(']');
        this.index++;
        return { kind: 'keywords', entries: [...inner.keywords.entries()] };
      }
      const inner = this.args(']');
      this.index++;
      return { kind: 'array', items: inner.positional };
    }
    if (rest[0] === '{' || rest.startsWith('%{')) {
      this.index += rest[0] === '{' ? 1 : 2;
      const inner = this.args('}');
      this.index++;
      if (inner.positional.length) return { kind: 'raw', text: this.text.slice(start, this.index) };
      return { kind: 'keywords', entries: [...inner.keywords.entries()] };
    }
    const lambda = /^(->\s*(\([^)]*\))?\s*|lambda\s*|proc\s*)\{/.exec(rest);
    if (lambda) {
      const open = this.index + lambda[0].length - 1;
      const close = matching(this.text, open);
      this.index = close + 1;
      return { kind: 'lambda', body: this.text.slice(open + 1, close).trim() };
    }
    const name = /^[A-Za-z_]\w*(::[A-Z]\w*)*(\.[A-Za-z_]\w*[?!]?)*[?!]?/.exec(rest);
    if (name) {
      this.index += name[0].length;
      if (name[0] === 'true' || name[0] === 'false') return { kind: 'bool', value: name[0] === 'true' };
      if (name[0] === 'nil') return { kind: 'nil' };
      if (this.text[this.index] === '(') {
        this.index++;
        const args = this.args(')');
        this.index++;
        return this.withBlock({ kind: 'call', name: name[0], args });
      }
      return this.withBlock({ kind: 'call', name: name[0], args: { positional: [], keywords: new Map() } });
    }
    // Not a literal: keep the source text up to the next top-level comma.
    let depth = 0;
    while (this.index < this.text.length) {
      const char = this.text[this.index]!;
      if ('([{'.includes(char)) depth++;
      else if (')]}'.includes(char)) {
        if (depth === 0) break;
        depth--;
      } else if (char === ',' && depth === 0) break;
      else if (char === '"' || char === "'") {
        this.index = stringEnd(this.text, this.index);
        continue;
      }
      this.index++;
    }
    return { kind: 'raw', text: this.text.slice(start, this.index).trim() };
  }

  /** Ruby string methods that only reshape whitespace (`<<~SQL.squish`, `%{…}.strip`): applied, not reported. */
  private stringMethods(value: DslValue): DslValue {
    if (this.language !== 'ruby' || value.kind !== 'string') return value;
    for (;;) {
      const method = /^\.(squish|strip|chomp|freeze|dup|strip_heredoc)\b/.exec(this.rest());
      if (!method) return value;
      this.index += method[0].length;
      if (method[1] === 'squish') value.value = value.value.replace(/\s+/g, ' ').trim();
      else if (method[1] !== 'freeze' && method[1] !== 'dup') value.value = value.value.trim();
    }
  }

  /** Ruby `call { … }` blocks on one statement: kept as text for the caller to parse. */
  private withBlock(call: Extract<DslValue, { kind: 'call' }>): DslValue {
    this.skipSpace();
    if (this.language === 'ruby' && this.text[this.index] === '{') {
      const close = matching(this.text, this.index);
      call.block = this.text.slice(this.index + 1, close);
      this.index = close + 1;
    }
    return call;
  }
}

function matching(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    const char = text[index]!;
    if (char === '"' || char === "'") {
      index = stringEnd(text, index) - 1;
      continue;
    }
    if ('([{'.includes(char)) depth++;
    else if (')]}'.includes(char) && --depth === 0) return index;
  }
  return text.length;
}

function unescapeString(body: string): string {
  return body.replace(/\\(.)/g, (_match, char: string) =>
    char === 'n' ? '\n' : char === 't' ? '\t' : char === 'r' ? '\r' : char,
  );
}

function stringValue(literal: string): DslValue {
  if (literal.startsWith('"""') || literal.startsWith("'''")) {
    const body = literal.slice(3, -3).replace(/^\n/, '');
    const lines = dedent(body.split('\n'));
    return {
      kind: 'string',
      value: unescapeString(lines.join('\n')).replace(/\n\s*$/, ''),
      interpolated: body.includes('#{'),
    };
  }
  const body = literal.slice(1, -1);
  if (literal[0] === "'") return { kind: 'string', value: body.replace(/\\(['\\])/g, '$1'), interpolated: false };
  return { kind: 'string', value: unescapeString(body), interpolated: body.includes('#{') };
}

function sigilValue(literal: string): DslValue {
  const kind = /^~([a-zA-Z]+)/.exec(literal)![1]!;
  const body = literal.slice(1 + kind.length).replace(/[a-zA-Z]*$/, '');
  const inner =
    body.startsWith('"""') || body.startsWith("'''") ? body.slice(3, -3).replace(/^\n/, '') : body.slice(1, -1);
  if (kind === 'w') {
    return {
      kind: 'array',
      items: inner
        .split(/\s+/)
        .filter(Boolean)
        .map((word) => ({ kind: 'string', value: word, interpolated: false })),
    };
  }
  const text = dedent(inner.split('\n'))
    .join('\n')
    .replace(/\n\s*$/, '');
  return {
    kind: 'string',
    value: kind === kind.toLowerCase() ? unescapeString(text) : text,
    interpolated: kind === 's' && inner.includes('#{'),
  };
}

/** Parses `name args` or `name(args)` (a call statement) into its name and arguments. */
export function parseCall(
  text: string,
  language: DslLanguage,
): { name: string; args: DslArgs; block?: string } | undefined {
  const head = /^([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*[?!]?)*[?!]?)/.exec(text);
  if (!head) return undefined;
  const parser = new ValueParser(text, language);
  parser.index = head[0].length;
  let args: DslArgs;
  const blockNext = language === 'ruby' && /^\s*\{/.test(text.slice(parser.index));
  if (blockNext) {
    args = { positional: [], keywords: new Map() };
  } else if (text[parser.index] === '(') {
    parser.index++;
    args = parser.args(')');
    parser.index++;
  } else {
    args = parser.args();
  }
  parser.skipSpace();
  let block: string | undefined;
  if (language === 'ruby' && text[parser.index] === '{') {
    const close = matching(text, parser.index);
    block = text.slice(parser.index + 1, close);
    parser.index = close + 1;
  }
  if (!parser.done()) return undefined;
  return { name: head[0], args, ...(block !== undefined ? { block } : {}) };
}

export function parseValue(text: string, language: DslLanguage): DslValue {
  return new ValueParser(text, language).value();
}

export function symbolOrString(value: DslValue | undefined): string | undefined {
  if (!value) return undefined;
  if (value.kind === 'symbol') return value.value;
  if (value.kind === 'string' && !value.interpolated) return value.value;
  return undefined;
}

export function names(value: DslValue | undefined): string[] | undefined {
  if (!value) return undefined;
  const single = symbolOrString(value);
  if (single !== undefined) return [single];
  if (value.kind !== 'array') return undefined;
  const list = value.items.map(symbolOrString);
  return list.every((item) => item !== undefined) ? (list as string[]) : undefined;
}
