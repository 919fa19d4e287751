import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { flywayChecksum } from '../../src/sources/formats/flyway.js';

/** Flyway's ChecksumCalculator reads line by line: line breaks and a leading BOM do not count; the CRC is signed. */
describe('flywayChecksum', () => {
  it('is the CRC32 of the lines without their breaks, as a signed 32-bit integer', () => {
    const lines = 'CREATE TABLE customer (id int);' + 'ALTER TABLE customer ADD email text;';
    const unsigned = crc32(Buffer.from(lines, 'utf8'));
    expect(flywayChecksum('CREATE TABLE customer (id int);\nALTER TABLE customer ADD email text;\n')).toBe(
      String(unsigned | 0),
    );
  });

  it('is the same for LF, CRLF and CR files and with or without a BOM; an edit changes it', () => {
    const lf = flywayChecksum('SELECT 1;\nSELECT 2;\n');
    expect(flywayChecksum('SELECT 1;\r\nSELECT 2;\r\n')).toBe(lf);
    expect(flywayChecksum('SELECT 1;\rSELECT 2;\r')).toBe(lf);
    expect(flywayChecksum('\uFEFFSELECT 1;\nSELECT 2;\n')).toBe(lf);
    expect(flywayChecksum('SELECT 1;\nSELECT 3;\n')).not.toBe(lf);
  });
});
