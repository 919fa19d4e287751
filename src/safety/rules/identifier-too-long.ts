import { nodeCrypto } from '../../lazy-builtins.js';
import { parserOfParsedStatements } from '../../sql/postgres.js';
import type { Rule } from '../types.js';
import { step } from './ast.js';

/** A run of 64+ characters other than whitespace and ( ) , ; . — or any non-ASCII character — in one linear pass. */
function mayHoldLongIdentifier(sql: string): boolean {
  let run = 0;
  for (let i = 0; i < sql.length; i++) {
    const code = sql.charCodeAt(i);
    if (code > 127) return true;
    // whitespace (\t \n \v \f \r space) and ( ) , ; .
    if (
      code === 32 ||
      (code >= 9 && code <= 13) ||
      code === 40 ||
      code === 41 ||
      code === 44 ||
      code === 59 ||
      code === 46
    )
      run = 0;
    else if (++run >= 64) return true;
  }
  return false;
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
      if (token.tokenName !== 'IDENT') continue;
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
