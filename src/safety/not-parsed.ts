import type { DdlRule } from './ddl-check.js';
import type { DdlKind } from './ddl-model.js';
import type { RuleMeta } from './types.js';

const KEYWORDS_ENOUGH: ReadonlySet<DdlKind> = new Set([
  'begin',
  'commit',
  'rollback',
  'savepoint',
  'set',
  'pragma',
  'drop-index',
  'drop-table',
]);

/**
 * The finding for a statement the full parser could not parse: it was checked from its keywords only, and the
 * parser's position says where it stopped — reported, never skipped silently. One per engine (its own id).
 */
export function notParsedRule(meta: Pick<RuleMeta, 'id' | 'engines'> & { engineLabel: string }): DdlRule {
  return {
    meta: {
      id: meta.id,
      title: 'Statement checked from its keywords only',
      category: 'safe',
      defaultSeverity: 'info',
      engines: meta.engines,
      locks: [],
      rewritesTable: false,
      scansTable: false,
      breaksOldCode: false,
      why: `The ${meta.engineLabel} parser does not know this statement's syntax, so the rules saw only what its keywords say (ALTER clauses, table and column names); a hazard hidden in the part not understood may be missed.`,
      safeAlternative: 'Review the statement by hand, or rehearse the migration on a throw-away database.',
      examples: {
        bad: 'ALTER TABLE t MODIFY c varchar(10) BINARY;',
        good: 'ALTER TABLE t MODIFY c varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;',
      },
    },
    check({ statement }) {
      // Transaction control, SET and PRAGMA are understood whole from their keywords.
      if (!statement.parseError || KEYWORDS_ENOUGH.has(statement.kind)) return [];
      const { position, message } = statement.parseError;
      return [
        {
          message: `Checked from its keywords only: the parser stopped at ${position.line}:${position.column} (${message}).`,
          span: { start: position, end: position },
        },
      ];
    },
  };
}
