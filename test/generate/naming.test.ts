import { describe, expect, it } from 'vitest';
import { nextPrefix, pascalName, prefixSeparator, snakeName, timestamp14 } from '../../src/generate/naming.js';

const now = new Date(Date.UTC(2026, 11, 6, 9, 5, 7));
const fallback = timestamp14;

describe('nextPrefix follows the newest migration', () => {
  it.each([
    ['20240101120000_add_users.sql', '20261206090507'],
    ['20240101120000', '20261206090507'],
    ['1700000000000-AddUsers.ts', String(now.getTime())],
    ['1700000000_add_users.up.sql', String(Math.floor(now.getTime() / 1000))],
    ['2024_01_01_120000_create_users.php', '2026_12_06_090507'],
    ['2024-01-01-120000_create_users', '2026-12-06-090507'],
    ['Migration20240101120000.ts', 'Migration20261206090507'],
    ['V7__add_users.sql', 'V8'],
    ['V1_2__add_users.sql', 'V2'],
    ['0007_add_users.sql', '0008'],
    ['0099_add_users.sql', '0100'],
    ['9_add_users.sql', '10'],
  ])('%s → %s', (newest, expected) => {
    expect(nextPrefix(newest, now, fallback)).toBe(expected);
  });

  it('uses the fallback without an existing migration or a recognisable prefix', () => {
    expect(nextPrefix(undefined, now, fallback)).toBe('20261206090507');
    expect(nextPrefix('add_users.sql', now, () => '001')).toBe('001');
  });
});

describe('names', () => {
  it('keeps the separator of the project', () => {
    expect(prefixSeparator('1700000000000-AddUsers.ts')).toBe('-');
    expect(prefixSeparator('20240101120000_add_users.sql')).toBe('_');
    expect(prefixSeparator('2024-01-01-120000_create_users')).toBe('_');
    expect(prefixSeparator(undefined)).toBe('_');
  });

  it('makes descriptive snake and Pascal names', () => {
    expect(snakeName('Add orders table')).toBe('add_orders_table');
    expect(snakeName('addOrdersTable')).toBe('add_orders_table');
    expect(snakeName('  ')).toBe('schema_change');
    expect(pascalName('add_orders_table')).toBe('AddOrdersTable');
  });
});
