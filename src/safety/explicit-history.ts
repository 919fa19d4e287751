import { posix } from 'node:path';
import { naturalCompare } from '../sources/files.js';

interface HistoryFile {
  sql: string;
  file: string;
}

/**
 * The history a caller named (`--history migrations`) may hold the migrations being checked: a folder passed whole.
 * A migration is not its own history, nor are those after it in its folder; they are left out, and said so.
 */
export function historyBeforeChecked(
  history: readonly HistoryFile[],
  checked: readonly string[],
): { history: HistoryFile[]; note?: string } {
  const firstChecked = new Map<string, string>();
  for (const file of checked) {
    const folder = posix.dirname(file);
    const first = firstChecked.get(folder);
    if (first === undefined || naturalCompare(file, first) < 0) firstChecked.set(folder, file);
  }
  const kept: HistoryFile[] = [];
  const dropped: string[] = [];
  for (const earlier of history) {
    const first = firstChecked.get(posix.dirname(earlier.file));
    if (first !== undefined && naturalCompare(earlier.file, first) >= 0) dropped.push(earlier.file);
    else kept.push(earlier);
  }
  if (dropped.length === 0) return { history: kept };
  const shown = dropped.slice(0, 3).join(', ');
  const more = dropped.length > 3 ? ` and ${dropped.length - 3} more` : '';
  return {
    history: kept,
    note: `--history: ${shown}${more} ${dropped.length === 1 ? 'is' : 'are'} not history of the migrations checked (the same file${dropped.length === 1 ? '' : 's'}, or later in ${dropped.length === 1 ? 'its' : 'their'} folder), so ${dropped.length === 1 ? 'it was' : 'they were'} left out of it.`,
  };
}
