import { describe, expect, it } from 'vitest';
import { byteToCharOffsets, LineIndex } from '../../src/sql/positions.js';

/** A deterministic mix of ASCII, 2-, 3- and 4-byte characters and newlines. */
function sample(seed: number, length: number): string {
  const pieces = ['a', 'Z', ' ', '\n', ';', 'é', 'ß', '名', '€', '🙂', '𝄞', '\r\n'];
  let state = seed;
  let text = '';
  for (let i = 0; i < length; i++) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    text += pieces[state % pieces.length];
  }
  return text;
}

describe('byteToCharOffsets', () => {
  it('maps the UTF-8 offset of every character boundary to its UTF-16 offset', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const text = sample(seed, 300);
      const toChar = byteToCharOffsets(text);
      let bytes = 0;
      for (let index = 0; index <= text.length; ) {
        expect(toChar(bytes), `seed ${seed} char ${index}`).toBe(index);
        if (index === text.length) break;
        const code = text.codePointAt(index) ?? 0;
        bytes += Buffer.byteLength(String.fromCodePoint(code), 'utf8');
        index += code >= 0x10000 ? 2 : 1;
      }
    }
  });

  it('maps an offset inside a character to the character after it, and ASCII text to itself', () => {
    expect(byteToCharOffsets('a名b')(2)).toBe(2);
    expect(byteToCharOffsets('🙂x')(3)).toBe(2);
    expect(byteToCharOffsets('plain ascii')(7)).toBe(7);
  });
});

describe('LineIndex', () => {
  it('gives 1-based line and column, and each line without its line break', () => {
    const text = 'one\ntwo\r\n\nfour';
    const lines = new LineIndex(text);
    expect(lines.position(0)).toEqual({ line: 1, column: 1 });
    expect(lines.position(text.indexOf('two') + 1)).toEqual({ line: 2, column: 2 });
    expect(lines.position(text.indexOf('four'))).toEqual({ line: 4, column: 1 });
    expect([1, 2, 3, 4].map((line) => lines.lineText(line))).toEqual(['one', 'two', '', 'four']);
  });
});
