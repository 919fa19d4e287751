import type { Position } from '../model.js';

/** Maps character offsets of a text to 1-based line:column positions, in O(log lines) per lookup. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    // indexOf searches natively: a character loop here was a tenth of checking a long history.
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', newline + 1)) {
      this.lineStarts.push(newline + 1);
    }
  }

  position(offset: number): Position {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (this.lineStarts[low] ?? 0) + 1 };
  }

  lineText(line: number): string {
    const start = this.lineStarts[line - 1] ?? 0;
    const next = this.lineStarts[line];
    return this.text.slice(start, next === undefined ? undefined : next - 1).replace(/\r$/, '');
  }
}

/**
 * libpg_query reports byte offsets into the UTF-8 encoding; JavaScript strings index UTF-16 code units.
 * Returns a converter from byte offsets to string offsets: identity for pure ASCII text; otherwise a binary
 * search over the text's non-ASCII characters only (found by a native regular expression, not a loop over every
 * character). A byte offset inside a character's encoding maps to the next character.
 */
export function byteToCharOffsets(text: string): (byteOffset: number) => number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for the ASCII range on purpose
  if (/^[\x00-\x7f]*$/.test(text)) return (byteOffset) => byteOffset;
  // Per non-ASCII character: its first byte, its last byte + 1, and how many more bytes than UTF-16 units the text
  // holds up to its end.
  const byteStarts: number[] = [];
  const byteEnds: number[] = [];
  const extraAfter: number[] = [];
  let extra = 0;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the complement of the ASCII range on purpose
  for (const match of text.matchAll(/[^\x00-\x7f]/gu)) {
    const code = match[0].codePointAt(0) ?? 0;
    const width = code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    const start = match.index + extra;
    byteStarts.push(start);
    byteEnds.push(start + width);
    extra += width - match[0].length;
    extraAfter.push(extra);
  }
  return (byteOffset) => {
    // The last non-ASCII character starting before the offset.
    let low = -1;
    let high = byteStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((byteStarts[mid] as number) < byteOffset) low = mid;
      else high = mid - 1;
    }
    if (low === -1) return byteOffset;
    const end = byteEnds[low] as number;
    // Inside that character's bytes: the character after it.
    return (byteOffset < end ? end : byteOffset) - (extraAfter[low] as number);
  };
}
