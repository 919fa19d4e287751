/**
 * The file-name prefix of a new migration, following the newest existing one's pattern: a timestamp in the same
 * shape, or the next number at the same width. Writers call this so every format numbers the way its project does.
 */

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function utcParts(now: Date) {
  return {
    y: String(now.getUTCFullYear()),
    mo: pad(now.getUTCMonth() + 1),
    d: pad(now.getUTCDate()),
    h: pad(now.getUTCHours()),
    mi: pad(now.getUTCMinutes()),
    s: pad(now.getUTCSeconds()),
  };
}

/** YYYYMMDDHHMMSS in UTC. */
export function timestamp14(now: Date): string {
  const { y, mo, d, h, mi, s } = utcParts(now);
  return `${y}${mo}${d}${h}${mi}${s}`;
}

interface PrefixRule {
  pattern: RegExp;
  next(match: RegExpExecArray, now: Date): string;
}

const RULES: PrefixRule[] = [
  {
    pattern: /^\d{4}-\d{2}-\d{2}-\d{6}(?=[_-])/,
    next: (_m, now) => {
      const { y, mo, d, h, mi, s } = utcParts(now);
      return `${y}-${mo}-${d}-${h}${mi}${s}`;
    },
  },
  { pattern: /^\d{14}(?=[_-]|$)/, next: (_m, now) => timestamp14(now) },
  { pattern: /^\d{13}(?=[_-])/, next: (_m, now) => String(now.getTime()) },
  { pattern: /^\d{10}(?=_)/, next: (_m, now) => String(Math.floor(now.getTime() / 1000)) },
  {
    pattern: /^\d{4}_\d{2}_\d{2}_\d{6}(?=_)/,
    next: (_m, now) => {
      const { y, mo, d, h, mi, s } = utcParts(now);
      return `${y}_${mo}_${d}_${h}${mi}${s}`;
    },
  },
  { pattern: /^Migration\d{14}/, next: (_m, now) => `Migration${timestamp14(now)}` },
  {
    pattern: /^V(\d+)(?:[._]\d+)*(?=__)/,
    next: (match) => `V${Number(match[1]) + 1}`,
  },
  { pattern: /^(\d+)(?=[_-])/, next: (match) => nextNumber(match[1]!) },
];

function nextNumber(digits: string): string {
  const next = String(BigInt(digits) + 1n);
  return next.padStart(digits.length, '0');
}

/**
 * The prefix for a new migration after `newest` (the newest existing file or folder name, without directory);
 * `fallback` is used when there is none or its name has no recognisable prefix.
 */
export function nextPrefix(newest: string | undefined, now: Date, fallback: (now: Date) => string): string {
  if (newest)
    for (const rule of RULES) {
      const match = rule.pattern.exec(newest);
      if (match) return rule.next(match, now);
    }
  return fallback(now);
}

/** The separator the newest name puts between prefix and name (`_` unless it uses `-`). */
export function prefixSeparator(newest: string | undefined): '_' | '-' {
  if (!newest) return '_';
  return /^(?:V\d+(?:[._]\d+)*__|[0-9T:_-]*?\d)-[A-Za-z]/.test(newest) && !/^\d{4}-\d{2}-\d{2}-\d{6}_/.test(newest)
    ? '-'
    : '_';
}

/** A descriptive snake_case name from free text: "Add orders table" → add_orders_table. */
export function snakeName(text: string): string {
  return (
    text
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 80) || 'schema_change'
  );
}

/** CamelCase for class-named formats (TypeORM, MikroORM): add_orders_table → AddOrdersTable. */
export function pascalName(snake: string): string {
  return snake
    .split(/[_\W]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
