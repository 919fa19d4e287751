/**
 * Python source text for the Alembic and Django writers: string literals in the project's quote style and the
 * project's indentation, read from an existing migration so a generated file looks like its neighbours.
 */

export interface PythonStyle {
  quote: '"' | "'";
  indent: string;
}

/** The quote and indentation the newest existing migration uses (double quotes and 4 spaces when unknown). */
export function pythonStyle(example: string | undefined): PythonStyle {
  const text = example ?? '';
  const doubles = (text.match(/(?<![\w"])"[^"\n]*"/g) ?? []).length;
  const singles = (text.match(/(?<![\w'])'[^'\n]*'/g) ?? []).length;
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '    ';
  return { quote: singles > doubles ? "'" : '"', indent: indent.startsWith('\t') ? '\t' : indent };
}

/**
 * A Python string literal for `value`: triple-quoted for multi-line SQL (readable in review) when that needs no
 * escaping, else an escaped one-line literal.
 */
export function pyString(value: string, preferred: '"' | "'" = '"'): string {
  const other = preferred === '"' ? "'" : '"';
  // Like black: the other quote when that spares escaping ("CREATE TABLE \"x\"" reads worse than 'CREATE TABLE "x"').
  const quote = value.includes(preferred) && !value.includes(other) ? other : preferred;
  const triple = quote.repeat(3);
  if (value.includes('\n') && !value.includes('\\') && !value.includes(triple) && !value.endsWith(quote)) {
    return `${triple}${value}${triple}`;
  }
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replaceAll(quote, `\\${quote}`);
  return `${quote}${escaped}${quote}`;
}

/** `[a, b]` on one line when short, else one item a line at `indent` + one level. */
export function pyList(items: string[], indent: string, unit: string): string {
  if (items.length === 0) return '[]';
  const flat = `[${items.join(', ')}]`;
  if (flat.length + indent.length <= 100 && !flat.includes('\n')) return flat;
  return `[\n${items.map((item) => `${indent}${unit}${item},`).join('\n')}\n${indent}]`;
}
