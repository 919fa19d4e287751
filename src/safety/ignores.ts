import type { SqlComment } from '../sql/comments.js';

/**
 * Ignore directives written as SQL comments:
 *   -- dma-ignore rule-id[, rule-id] [reason]   the next statement
 *   -- dma-ignore-file [rule-id[, rule-id]]     the whole file (no ids: every rule)
 *   -- dma-ignore                               the next statement, every rule
 * Rule ids are kebab-case words with at least one dash (or any word followed by a comma), separated by commas or
 * spaces (a word next to a comma is an id too); the first other word starts the reason.
 */

export interface IgnoreDirective {
  kind: 'statement' | 'file';
  /** Empty for a file directive without ids (ignore everything). `offset` is the id's place in the SQL. */
  ruleIds: Array<{ id: string; offset: number }>;
  reason: string;
  comment: SqlComment;
}

const DIRECTIVE = /^dma-ignore(-file)?(?=[\s:]|$)/;
const RULE_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Cheap pre-check so files without directives skip the comment scan. */
export function mayContainDirectives(sql: string): boolean {
  return sql.includes('dma-ignore');
}

export function parseDirectives(comments: SqlComment[]): IgnoreDirective[] {
  const directives: IgnoreDirective[] = [];
  for (const comment of comments) {
    const match = DIRECTIVE.exec(comment.text);
    if (!match) continue;
    const kind = match[1] ? 'file' : 'statement';
    const restStart = match[0].length;
    const rest = comment.text.slice(restStart);
    const ruleIds: IgnoreDirective['ruleIds'] = [];
    let reason = '';
    for (const token of rest.matchAll(/[^\s,:]+/g)) {
      const word = token[0];
      const index = token.index ?? 0;
      const followedByComma = /^\s*,/.test(rest.slice(index + word.length));
      const afterComma = /,\s*$/.test(rest.slice(0, index));
      const looksLikeId = RULE_ID.test(word) && (word.includes('-') || followedByComma || afterComma);
      if (!looksLikeId) {
        reason = rest
          .slice(index)
          .replace(/^[-–—:\s]+/, '')
          .trim();
        break;
      }
      ruleIds.push({ id: word, offset: comment.textOffset + restStart + index });
    }
    directives.push({ kind, ruleIds, reason, comment });
  }
  return directives;
}
