import { nextPrefix } from '../../generate/naming.js';
import type { GeneratedFile } from '../../generate/types.js';
import { baseOf, dirOf, joinRelative } from '../../project/walk.js';
import type { FormatWriter } from '../types.js';
import { commentLines } from './comment-lines.js';
import { pyList, pyString, pythonStyle } from './python-write.js';

/**
 * Django: `<app>/migrations/<NNNN>_<name>.py` depending on the app's newest migration, carrying the draft's SQL
 * as RunSQL with its reverse, so `migrate` and `migrate <app> <previous>` run exactly the planned statements.
 * Model state is left to the model file: the planner's SQL (lock_timeout, NOT VALID, phases) has no model operation
 * that would produce it.
 */
export const writeDjango: FormatWriter = (draft, folder, context) => {
  const directory = folder.dir.path;
  const app = baseOf(dirOf(directory));
  const newest = folder.migrations.at(-1);
  const newestName = newest ? baseOf(newest.path).replace(/\.py$/, '') : undefined;
  const prefix = nextPrefix(newestName, context.now, () => '0001');
  const style = pythonStyle(newest ? context.read(newest.path) : undefined);
  const { quote: q, indent: unit } = style;
  const statements = (sql: string[]) =>
    pyList(
      sql.map((statement) => pyString(statement, q)),
      unit.repeat(3),
      unit,
    );
  const lines = [
    'from django.db import migrations',
    '',
    '',
    'class Migration(migrations.Migration):',
    ...(newestName ? [] : [`${unit}initial = True`]),
    ...(draft.transactional ? [] : [`${unit}atomic = False`]),
    `${unit}dependencies = [${newestName ? `(${pyString(app, q)}, ${pyString(newestName, q)})` : ''}]`,
    `${unit}operations = [`,
    `${unit}${unit}migrations.RunSQL(`,
    `${unit.repeat(3)}sql=${statements(draft.up)},`,
    `${unit.repeat(3)}reverse_sql=${statements(draft.down)},`,
    `${unit}${unit}),`,
    `${unit}]`,
    '',
  ];
  if (draft.applicationChange) lines.unshift(...commentLines('# ', `Before this runs: ${draft.applicationChange}`), '');
  const file: GeneratedFile = {
    path: joinRelative(directory, `${prefix}_${draft.name}.py`),
    text: lines.join('\n'),
    edit: false,
  };
  return [file];
};
