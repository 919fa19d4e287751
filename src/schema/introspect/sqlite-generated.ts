/**
 * The expressions of SQLite generated columns. SQLite keeps them only in the CREATE TABLE text (the pragmas say a
 * column is generated, not how), so the column definitions are split at top-level commas, quotes and nested
 * parentheses respected, and each `[GENERATED ALWAYS] AS (…)` read with its parentheses balanced.
 */

export interface GeneratedColumn {
  expression: string;
  storage: 'stored' | 'virtual';
}

const TABLE_CONSTRAINT = /^(constraint|primary|unique|check|foreign)\b/i;

export function generatedColumns(createSql: string): Map<string, GeneratedColumn> {
  const found = new Map<string, GeneratedColumn>();
  const open = createSql.indexOf('(');
  if (open < 0) return found;
  for (const definition of topLevelParts(createSql, open + 1)) {
    if (TABLE_CONSTRAINT.test(definition)) continue;
    const name = leadingName(definition);
    const as = topLevelMatch(definition, /\bAS\s*\(/iy);
    if (!name || as === undefined) continue;
    const end = closingParenthesis(definition, as);
    const expression = definition.slice(as, end).trim();
    const storage = /^\s*STORED\b/i.test(definition.slice(end + 1)) ? 'stored' : 'virtual';
    found.set(name, { expression, storage });
  }
  return found;
}

/** The comma-separated parts of the parenthesised list that starts at `start`, up to its closing parenthesis. */
function topLevelParts(text: string, start: number): string[] {
  const parts: string[] = [];
  let depth = 0;
  let partStart = start;
  for (let index = start; index < text.length; index++) {
    const char = text[index] ?? '';
    if (char === "'" || char === '"' || char === '`' || char === '[') {
      index = skipQuoted(text, index);
      continue;
    }
    if (char === '(') depth++;
    else if (char === ')') {
      if (depth === 0) {
        parts.push(text.slice(partStart, index).trim());
        return parts;
      }
      depth--;
    } else if (char === ',' && depth === 0) {
      parts.push(text.slice(partStart, index).trim());
      partStart = index + 1;
    }
  }
  return parts;
}

function skipQuoted(text: string, start: number): number {
  const close = text[start] === '[' ? ']' : (text[start] ?? '');
  let index = start + 1;
  while (index < text.length) {
    if (text[index] === close) {
      if (close !== ']' && text[index + 1] === close) index += 2;
      else return index;
    } else index++;
  }
  return index;
}

function leadingName(definition: string): string | undefined {
  const match = /^(?:"((?:[^"]|"")+)"|`([^`]+)`|\[([^\]]+)\]|([^\s(]+))/.exec(definition);
  if (!match) return undefined;
  return match[1]?.replaceAll('""', '"') ?? match[2] ?? match[3] ?? match[4];
}

/** The index just after a sticky pattern's match found outside quotes and parentheses, or undefined. */
function topLevelMatch(text: string, pattern: RegExp): number | undefined {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] ?? '';
    if (char === "'" || char === '"' || char === '`' || char === '[') {
      index = skipQuoted(text, index);
      continue;
    }
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (depth === 0 && /\s/.test(text[index - 1] ?? ' ')) {
      pattern.lastIndex = index;
      const match = pattern.exec(text);
      if (match) return index + match[0].length;
    }
  }
  return undefined;
}

/** The index of the parenthesis closing the one opened just before `start`. */
function closingParenthesis(text: string, start: number): number {
  let depth = 1;
  for (let index = start; index < text.length; index++) {
    const char = text[index] ?? '';
    if (char === "'" || char === '"' || char === '`' || char === '[') index = skipQuoted(text, index);
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return index;
  }
  return text.length;
}
