import { readFileSync } from 'node:fs';
import path from 'node:path';
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

  /**
   * Known pairs: a migration file and the checksum Flyway itself stored for it, both published in the same public
   * repository. Renan1Pollo/techlingo-backend (GitHub) holds src/main/resources/db/migration/
   * V1__create_table_courses.sql (commit e58b7477e4ea523b5d8748d04f23fb3e5765c28b, copied byte for byte into
   * test/fixtures/flyway-checksum) and the mysqldump src/main/resources/db/Dump20241003.sql (commit 85bf8d1c0ac8)
   * of the database Flyway migrated with it, whose flyway_schema_history row reads
   * (1,'1','create table courses','SQL','V1__create_table_courses.sql',-1052610113,'root','2024-10-01 19:02:02',83,1).
   */
  it('gives the checksum Flyway stored for a published migration', () => {
    const file = path.join(import.meta.dirname, '../fixtures/flyway-checksum/V1__create_table_courses.sql');
    const text = readFileSync(file, 'utf8');
    expect(flywayChecksum(text)).toBe('-1052610113');
    // Flyway's own SqlMigrationResolverCRTest (flyway/flyway, flyway-core/src/test/.../sql) asserts a CR-only copy
    // of a migration has the LF copy's checksum; the same holds for the published file.
    expect(flywayChecksum(text.replace(/\n/g, '\r'))).toBe('-1052610113');
    expect(flywayChecksum(text.replace(/\n/g, '\r\n'))).toBe('-1052610113');
  });
});
