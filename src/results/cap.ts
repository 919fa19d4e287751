import { ImportanceBudget } from '../safety/importance-budget.js';
import { type ArrayAt, arraysAt, pathString, resolvable } from './paths.js';

/**
 * Cuts a tool's structured answer to a character budget (JSON.stringify length), keeping what matters most: the
 * arrays a tool's trim plan names share the room by rank (errors before warnings before infos…), then any array
 * still too large loses its tail, then long strings are shortened. Only array items are dropped and strings cut,
 * so the answer still validates against the tool's output schema; what was left out is counted per array.
 */

export interface Trimmable {
  /** Dotted path of an array; `*` stands for every index or key: `files.*.findings`. */
  path: string;
  /** 0 = the most important. Items of every trimmable of a plan compete for the same room. */
  rank(item: unknown): number;
}

export interface ArrayCut {
  path: string;
  kept: number;
  of: number;
}

export interface CapOutcome {
  value: Record<string, unknown>;
  /** Characters of the whole answer. */
  fullChars: number;
  /** Characters of the answer as cut. */
  chars: number;
  arrays: ArrayCut[];
  cutStrings: number;
}

/** Strings longer than this are cut first: one 5 MB statement must not crowd out every finding. */
const LONG_STRING_SHARE = 10;
const LAST_RESORT_STRING = 200;

export function capStructured(
  full: Record<string, unknown>,
  budget: number,
  plan: readonly Trimmable[],
  fullChars = JSON.stringify(full).length,
): CapOutcome {
  if (fullChars <= budget) return { value: full, fullChars, chars: fullChars, arrays: [], cutStrings: 0 };
  const value = JSON.parse(JSON.stringify(full)) as Record<string, unknown>;
  // Keyed by the array's path in the cut answer; each cut names its path in the whole answer.
  const cuts = new Map<string, ArrayCut>();
  let cutStrings = cutLongStrings(value, Math.max(LAST_RESORT_STRING, Math.floor(budget / LONG_STRING_SHARE)));
  const keptIndexes = shareByRank(value, budget, plan, cuts);
  dropTails(value, budget, cuts, keptIndexes);
  if (size(value) > budget) cutStrings += cutLongStrings(value, LAST_RESORT_STRING);
  const arrays = [...cuts].filter(([at]) => resolvable(value, at)).map(([, cut]) => cut);
  return { value, fullChars, chars: size(value), arrays, cutStrings };
}

function size(value: unknown): number {
  return JSON.stringify(value).length;
}

/**
 * Empties every array the plan names, then offers their items back, ranked, into the room left (at least half the
 * budget): the most
 * important are kept wherever they are, ties go to the earlier items (offered round-robin across arrays, so that
 * every file keeps its first findings). Kept items stay in their original order.
 */
function shareByRank(
  value: unknown,
  budget: number,
  plan: readonly Trimmable[],
  cuts: Map<string, ArrayCut>,
): Map<string, number[]> {
  const keptIndexes = new Map<string, number[]>();
  const slots: Array<ArrayAt & { rank: Trimmable['rank']; items: unknown[]; kept: boolean[] }> = [];
  for (const trimmable of plan) {
    for (const at of arraysAt(value, trimmable.path)) {
      slots.push({ ...at, rank: trimmable.rank, items: at.array.splice(0), kept: [] });
    }
  }
  if (slots.length === 0) return keptIndexes;
  // What the plan does not name gets at most half the room (its largest arrays lose their tails), so that a large
  // baseline or note list cannot crowd out the findings or steps the plan ranks.
  if (size(value) > budget / 2) dropTails(value, Math.floor(budget / 2), cuts, keptIndexes);
  const room = budget - size(value);
  type Offer = { slot: (typeof slots)[number]; index: number };
  const shares = new ImportanceBudget<Offer>(Math.max(0, room), () => undefined);
  const offers: Array<{ offer: Offer; entry: ReturnType<typeof shares.offer> }> = [];
  const longest = Math.max(...slots.map((slot) => slot.items.length));
  for (let index = 0; index < longest; index++) {
    for (const slot of slots) {
      if (index >= slot.items.length) continue;
      const item = slot.items[index];
      const offer = { slot, index };
      offers.push({ offer, entry: shares.offer(offer, slot.rank(item), size(item) + 1) });
    }
  }
  for (const { offer, entry } of offers) offer.slot.kept[offer.index] = entry !== undefined && !entry.dropped;
  for (const slot of slots) {
    const indexes = slot.items.map((_, index) => index).filter((index) => slot.kept[index]);
    slot.array.push(...indexes.map((index) => slot.items[index]));
    if (slot.array.length < slot.items.length) {
      cuts.set(slot.path, { path: slot.path, kept: slot.array.length, of: slot.items.length });
      keptIndexes.set(slot.path, indexes);
    }
  }
  return keptIndexes;
}

/** A path in the cut answer as a path in the whole one: an index into an array that kept some items is mapped back. */
function wholePath(path: string, keptIndexes: Map<string, number[]>): string {
  const parts = path.split('.');
  for (let end = 1; end < parts.length; end++) {
    const indexes = keptIndexes.get(parts.slice(0, end).join('.'));
    const index = indexes?.[Number(parts[end])];
    if (index !== undefined) parts[end] = String(index);
  }
  return parts.join('.');
}

/** While over budget: the largest array anywhere keeps the first half of its items. Indexes stay those of the whole answer. */
function dropTails(
  value: unknown,
  budget: number,
  cuts: Map<string, ArrayCut>,
  keptIndexes: Map<string, number[]>,
): void {
  let over = size(value) - budget;
  while (over > 0) {
    const largest = largestArray(value);
    if (!largest || largest.array.length === 0) return;
    const before = largest.array.length;
    const keep = Math.floor(before / 2);
    largest.array.length = keep;
    const earlier = cuts.get(largest.path);
    const path = earlier?.path ?? wholePath(largest.path, keptIndexes);
    cuts.set(largest.path, { path, kept: keep, of: earlier?.of ?? before });
    over = size(value) - budget;
  }
}

function largestArray(value: unknown): (ArrayAt & { chars: number }) | undefined {
  let best: (ArrayAt & { chars: number }) | undefined;
  const visit = (node: unknown, path: Array<string | number>) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node) && node.length > 0) {
      const chars = size(node);
      if (!best || chars > best.chars) best = { array: node, path: pathString(path), chars };
    }
    for (const [key, child] of Object.entries(node)) visit(child, [...path, Array.isArray(node) ? Number(key) : key]);
  };
  visit(value, []);
  return best;
}

/** Cuts every string longer than `max` characters, saying how many were left out; returns how many it cut. */
function cutLongStrings(node: unknown, max: number): number {
  if (!node || typeof node !== 'object') return 0;
  let cut = 0;
  const entries = node as Record<string, unknown>;
  for (const key of Object.keys(entries)) {
    const child = entries[key];
    if (typeof child === 'string' && child.length > max) {
      entries[key] = `${child.slice(0, max)}… [${child.length - max} more characters]`;
      cut++;
    } else cut += cutLongStrings(child, max);
  }
  return cut;
}

/** The readable text, cut at a line end to `max` characters with a last line saying where the rest is. */
export function capText(text: string, max: number, whole: string): string {
  if (text.length <= max) return text;
  const tail = (left: number) => `\n… ${left} more characters of this summary left out; the whole result: ${whole}`;
  const room = Math.max(0, max - tail(text.length).length);
  const lineEnd = text.lastIndexOf('\n', room);
  const end = lineEnd > room / 2 ? lineEnd : room;
  return `${text.slice(0, end)}${tail(text.length - end)}`;
}
