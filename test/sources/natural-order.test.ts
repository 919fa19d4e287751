import { describe, expect, it } from 'vitest';
import { naturalCompare } from '../../src/sources/files.js';

describe('naturalCompare: the order migration tools apply numbered files in', () => {
  it('compares digit runs as numbers', () => {
    expect(['10_b.sql', '2_a.sql', '1_c.sql'].sort(naturalCompare)).toEqual(['1_c.sql', '2_a.sql', '10_b.sql']);
  });

  it('orders equal numbers by their written length, then the rest by code point', () => {
    expect(['01_x.sql', '1_x.sql'].sort(naturalCompare)).toEqual(['1_x.sql', '01_x.sql']);
    // Code point order, as the file system and the tools give it: not a locale's (which puts "a" before "B").
    expect(['1_b.sql', '1_B.sql', '1_a.sql'].sort(naturalCompare)).toEqual(['1_B.sql', '1_a.sql', '1_b.sql']);
  });

  it('puts a name before the longer names it starts', () => {
    expect(naturalCompare('001', '001_init')).toBeLessThan(0);
    expect(naturalCompare('001_init', '001_init')).toBe(0);
  });
});
