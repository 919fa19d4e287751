import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A temporary Rails project: db/migrate/<file> for each entry, lines joined. Its folder is added to `made`, which
 * the test file empties and removes after each test.
 */
export function railsProject(made: string[], prefix: string, migrations: Record<string, string[]>): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  const migrate = path.join(dir, 'db/migrate');
  mkdirSync(migrate, { recursive: true });
  for (const [file, lines] of Object.entries(migrations))
    writeFileSync(path.join(migrate, file), [...lines, ''].join('\n'));
  return dir;
}
