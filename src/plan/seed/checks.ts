import type { CheckConstraint } from '../../schema/model.js';
import type { ColumnRules, SeedValue } from './types.js';

/**
 * Reads the simple CHECK forms a generator can honour up front: IN lists (and PostgreSQL's `= ANY (ARRAY[…])`),
 * comparisons with a constant, BETWEEN, and length bounds. Each engine prints checks back differently (casts,
 * extra parentheses, backquotes), so the text is normalised first; anything else is left to the shadow, which
 * verifies every row against the real constraint.
 */
export function rulesFromChecks(checks: CheckConstraint[]): Map<string, ColumnRules> {
  const rules = new Map<string, ColumnRules>();
  for (const check of checks)
    for (const term of splitAnd(normalise(check.expression))) {
      const found = parseTerm(term);
      if (!found) continue;
      const current = rules.get(found.column) ?? {};
      rules.set(found.column, mergeRules(current, found.rules));
    }
  return rules;
}

function normalise(expression: string): string {
  return expression
    .replace(/::[a-z_ ]+(\(\d+(,\s*\d+)?\))?(\[\])?/gi, '')
    .replace(/[`"]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Splits on top-level AND, dropping the parentheses that wrap a whole term. */
function splitAnd(expression: string): string[] {
  const text = unwrap(expression);
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === "'") inString = !inString;
    if (inString) continue;
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (
      depth === 0 &&
      /^ and /i.test(text.slice(index, index + 5)) &&
      !/between\s+\S+$/i.test(text.slice(start, index))
    ) {
      parts.push(text.slice(start, index));
      start = index + 5;
    }
  }
  parts.push(text.slice(start));
  return parts.map(unwrap);
}

function unwrap(text: string): string {
  let current = text.trim();
  while (current.startsWith('(') && current.endsWith(')') && balanced(current.slice(1, -1)))
    current = current.slice(1, -1).trim();
  return current;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (depth < 0) return false;
  }
  return depth === 0;
}

const IDENT = '([a-z_][a-z0-9_]*)';
const NUMBER = '(-?\\d+(?:\\.\\d+)?)';

function parseTerm(raw: string): { column: string; rules: ColumnRules } | undefined {
  const term = raw
    .replace(/(?<![\w])\(\s*(-?\d+(?:\.\d+)?)\s*\)/g, '$1')
    .replace(/(?<![\w])\(\s*([a-z_][a-z0-9_]*)\s*\)/gi, '$1');
  const json = new RegExp(`^json_valid ?\\(${IDENT}\\)$`, 'i').exec(term);
  if (json) return { column: lower(json[1]), rules: { json: true } };
  let match = new RegExp(`^${IDENT} (?:not )?in \\((.*)\\)$`, 'i').exec(term);
  if (match && !/ not in /i.test(term))
    return { column: lower(match[1]), rules: { allowed: literals(match[2] ?? '') } };
  match = new RegExp(`^${IDENT} = any \\(array\\[(.*)\\]\\)$`, 'i').exec(term);
  if (match) return { column: lower(match[1]), rules: { allowed: literals(match[2] ?? '') } };
  match = new RegExp(`^${IDENT} between ${NUMBER} and ${NUMBER}$`, 'i').exec(term);
  if (match) return { column: lower(match[1]), rules: { min: Number(match[2]), max: Number(match[3]) } };
  match = new RegExp(
    `^(?:char_length|length|character_length|octet_length) ?\\(${IDENT}\\) ?(>=|>|<=|<|=) ?${NUMBER}$`,
    'i',
  ).exec(term);
  if (match) return { column: lower(match[1]), rules: lengthRule(match[2] ?? '', Number(match[3])) };
  match = new RegExp(`^${IDENT} ?(>=|>|<=|<) ?${NUMBER}$`, 'i').exec(term);
  if (match) return { column: lower(match[1]), rules: compareRule(match[2] ?? '', Number(match[3])) };
  match = new RegExp(`^${NUMBER} ?(>=|>|<=|<) ?${IDENT}$`, 'i').exec(term);
  if (match) return { column: lower(match[3]), rules: compareRule(flip(match[2] ?? ''), Number(match[1])) };
  return undefined;
}

function lower(name: string | undefined): string {
  return (name ?? '').toLowerCase();
}

function literals(list: string): SeedValue[] {
  const values: SeedValue[] = [];
  for (const match of list.matchAll(/'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)/g))
    values.push(match[1] !== undefined ? match[1].replace(/''/g, "'") : Number(match[2]));
  return values;
}

function compareRule(operator: string, value: number): ColumnRules {
  switch (operator) {
    case '>':
      return { min: value, minExclusive: true };
    case '>=':
      return { min: value };
    case '<':
      return { max: value, maxExclusive: true };
    default:
      return { max: value };
  }
}

function lengthRule(operator: string, value: number): ColumnRules {
  switch (operator) {
    case '>':
      return { minLength: value + 1 };
    case '>=':
      return { minLength: value };
    case '<':
      return { maxLength: value - 1 };
    case '<=':
      return { maxLength: value };
    default:
      return { minLength: value, maxLength: value };
  }
}

function flip(operator: string): string {
  return ({ '>': '<', '>=': '<=', '<': '>', '<=': '>=' } as Record<string, string>)[operator] ?? operator;
}

export function mergeRules(a: ColumnRules, b: ColumnRules): ColumnRules {
  const merged: ColumnRules = { ...a };
  if (b.allowed) merged.allowed = a.allowed ? a.allowed.filter((value) => b.allowed?.includes(value)) : b.allowed;
  if (b.min !== undefined && (a.min === undefined || b.min > a.min)) {
    merged.min = b.min;
    merged.minExclusive = b.minExclusive === true;
  }
  if (b.max !== undefined && (a.max === undefined || b.max < a.max)) {
    merged.max = b.max;
    merged.maxExclusive = b.maxExclusive === true;
  }
  if (b.json) merged.json = true;
  if (b.minLength !== undefined) merged.minLength = Math.max(a.minLength ?? 0, b.minLength);
  if (b.maxLength !== undefined) merged.maxLength = Math.min(a.maxLength ?? Number.POSITIVE_INFINITY, b.maxLength);
  return merged;
}
