import type { Position } from '../model.js';

/** Maps character offsets of a text to 1-based line:column positions, in O(log lines) per lookup. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
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
 * Returns a converter from byte offsets to string offsets (identity for pure ASCII text).
 */
export function byteToCharOffsets(text: string): (byteOffset: number) => number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for the ASCII range on purpose
  if (/^[\x00-\x7f]*$/.test(text)) return (byteOffset) => byteOffset;
  const byteStarts: number[] = [];
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    byteStarts.push(bytes);
    const code = text.codePointAt(i) ?? 0;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    bytes += width;
    if (code >= 0x10000) {
      byteStarts.push(bytes);
      i++;
    }
  }
  byteStarts.push(bytes);
  return (byteOffset) => {
    let low = 0;
    let high = byteStarts.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((byteStarts[mid] ?? 0) < byteOffset) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}
