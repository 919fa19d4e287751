import type { Change } from './changes.js';
import { snakeName } from './naming.js';

/** A descriptive migration name from what the changes do: add_orders_table, add_status_to_orders … */
export function changeName(change: Change): string {
  switch (change.op) {
    case 'create_table':
      return `add_${change.table}_table`;
    case 'drop_table':
      return `drop_${change.table}_table`;
    case 'rename_table':
      return `rename_${change.from}_to_${change.to}`;
    case 'add_column':
      return `add_${change.column.name}_to_${change.table}`;
    case 'drop_column':
      return `drop_${change.column}_from_${change.table}`;
    case 'rename_column':
      return `rename_${change.table}_${change.from}_to_${change.to}`;
    case 'alter_column':
      if (change.type !== undefined) return `change_type_of_${change.table}_${change.column}`;
      if (change.nullable === false) return `make_${change.table}_${change.column}_not_null`;
      if (change.nullable === true) return `make_${change.table}_${change.column}_nullable`;
      return `change_default_of_${change.table}_${change.column}`;
    case 'add_index':
      return change.name ? `add_${change.name}` : `add_index_on_${change.table}_${change.columns.join('_')}`;
    case 'drop_index':
      return `drop_${change.name}`;
    case 'add_foreign_key':
      return `add_${change.table}_${change.columns.join('_')}_foreign_key`;
    case 'add_unique':
      return `add_unique_${change.table}_${change.columns.join('_')}`;
    case 'add_check':
      return change.name ? `add_${change.name}` : `add_check_to_${change.table}`;
    case 'drop_constraint':
      return `drop_${change.name}`;
    case 'create_enum':
      return `add_${change.name}_enum`;
    case 'add_enum_value':
      return `add_${change.value}_to_${change.name}`;
    case 'drop_enum':
      return `drop_${change.name}_enum`;
    case 'raw_sql':
      return 'schema_change';
  }
}

/** One name for several changes: the first ones joined, `_and_more` when there are others. */
export function draftName(changes: Change[], given?: string): string {
  if (given) return snakeName(given);
  const names = [...new Set(changes.map(changeName))];
  if (names.length === 0) return 'schema_change';
  const [first, second] = names;
  let name = first ?? 'schema_change';
  if (second && `${name}_and_${second}`.length <= 60) name = `${name}_and_${second}`;
  if (names.length > (name.includes('_and_') ? 2 : 1)) name += '_and_more';
  return snakeName(name);
}
