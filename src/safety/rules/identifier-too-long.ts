import { nodeCrypto } from '../../lazy-builtins.js';
import { parserOfParsedStatements } from '../../sql/postgres.js';
import type { Rule } from '../types.js';
import { step } from './ast.js';

/**
 * A run of 64+ characters other than whitespace and ( ) , ; . — or any non-ASCII character. A regular expression
 * runs natively; a loop over the characters was a visible part of checking a long history.
 */
// A run is matched from the separator before it (or the start), so each run is tried once; a lookbehind did the
// same at twice the cost.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range on purpose
const MAY_HOLD_LONG_IDENTIFIER = /[^\x00-\x7f]|(?:^|[\t\n\v\f\r (),;.])[^\t\n\v\f\r (),;.]{64}/;

function mayHoldLongIdentifier(sql: string): boolean {
  return MAY_HOLD_LONG_IDENTIFIER.test(sql);
}

export const identifierTooLong: Rule = {
  meta: {
    id: 'identifier-too-long',
    title: 'Identifier longer than 63 bytes',
    category: 'safe',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'PostgreSQL silently truncates names to 63 bytes, so the object gets a different name than the one written: two long names can collide, and tools that compare names (ORMs, schema diffs) see a mismatch forever.',
    safeAlternative: 'Use names of at most 63 bytes.',
    examples: {
      bad: `CREATE INDEX ${'orders_'.repeat(10)}idx ON orders (id);`,
      good: 'CREATE INDEX orders_id_idx ON orders (id);',
    },
    peers: { squawk: 'identifier-too-long' },
  },
  // Statements that name a new object (or rename one). A DROP, a query or a DML statement only refers to names:
  // PostgreSQL truncates the reference the same way, so it finds the object its creation named.
  appliesTo: [
    'CreateStmt',
    'IndexStmt',
    'AlterTableStmt',
    'RenameStmt',
    'CreateSeqStmt',
    'ViewStmt',
    'CreateTableAsStmt',
    'CreateFunctionStmt',
    'CreateTrigStmt',
    'CreateEnumStmt',
    'CompositeTypeStmt',
    'CreateDomainStmt',
    'CreateSchemaStmt',
    'CreatePolicyStmt',
    'CreateRangeStmt',
    'CreateStatsStmt',
    'CreateEventTrigStmt',
    'DefineStmt',
    'RuleStmt',
  ],
  check(context) {
    // Cheap pre-check: no run of 64+ non-separator characters and no non-ASCII text, no identifier over 63 bytes.
    if (!mayHoldLongIdentifier(context.statement.sql)) return [];
    // The parser truncates long identifiers itself, so they are read from the tokens of the statement text.
    const long = new Set<string>();
    const bytes = Buffer.from(context.statement.sql);
    for (const token of parserOfParsedStatements().scanSync(context.statement.sql).tokens) {
      // A name of more than 63 bytes is written with more than 63 bytes (quotes and doubled quotes only add).
      if (token.tokenName !== 'IDENT' || token.end - token.start <= 63) continue;
      let name = bytes.subarray(token.start, token.end).toString();
      name = name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name.toLowerCase();
      if (Buffer.byteLength(name) > 63) long.add(name);
    }
    if (long.size === 0) return [];
    let sql = `${context.statement.sql.trim()};`;
    for (const name of long) {
      const short = Buffer.from(name)
        .subarray(0, 55)
        .toString()
        .replace(/\uFFFD+$/, '');
      const suffix = nodeCrypto().createHash('sha1').update(name).digest('hex').slice(0, 6);
      sql = sql.split(name).join(`${short}_${suffix}`);
    }
    return [
      {
        message: `${[...long].map((name) => `"${name}" (${Buffer.byteLength(name)} bytes)`).join(', ')} exceed${long.size > 1 ? '' : 's'} 63 bytes and will be silently truncated.`,
        fix: {
          summary: 'Shorten the name(s).',
          steps: [step('The same statement with names of at most 63 bytes.', sql)],
        },
      },
    ];
  },
};
