import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from '../../src/project/json-position.js';
import { parseJson } from '../../src/project/parse.js';

describe('jsonErrorOffset', () => {
  it('accepts every valid JSON document (offset = length)', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(jsonErrorOffset(text)).toBe(text.length);
      }),
    );
  });

  it.each([
    ['{"a": 1,}', 8],
    ['{"a" 1}', 5],
    ['[1, 2', 5],
    ['{"a": tru}', 6],
    ['{"a": 1} x', 9],
    ['{\n  "a": "b\n"}', 11],
  ])('%j fails at offset %i', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
  });

  it('turns a JSON.parse failure into a UserError at line:col', () => {
    expect(() => parseJson('{\n  "scripts": {\n    "a": "b",\n  }\n}', 'package.json')).toThrow(
      /^package\.json:4:3: package\.json is not valid JSON: [^\n]+\.\n {2}fix: Fix the JSON syntax at line 4, column 3/,
    );
  });
});
