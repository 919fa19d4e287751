import type { AlterTableCmd, ColumnDef, Constraint } from 'libpg-query';
import { namesOf } from './names.js';

/**
 * What PostgreSQL checks against the existing rows when ALTER TABLE adds a column.
 *
 * Foreign keys written on the added columns are marked valid without a check unless an added column has a default
 * (DEFAULT NULL too, and serial and generated columns, which get one) or the statement also adds a FOREIGN KEY
 * table constraint (transformAlterTableStmt's skipValidation, PostgreSQL 9.1–18). A UNIQUE or PRIMARY KEY column
 * builds its index over every row, and a CHECK is tested on every row, under the statement's ACCESS EXCLUSIVE.
 */

function constraintsOf(def: ColumnDef): Constraint[] {
  return (def.constraints ?? []).flatMap((item) => ('Constraint' in item ? [item.Constraint] : []));
}

function hasDefault(def: ColumnDef): boolean {
  if (/(^|\.)(big|small)?serial[248]?$/.test(namesOf(def.typeName?.names).join('.'))) return true;
  return constraintsOf(def).some((item) => item.contype === 'CONSTR_DEFAULT' || item.contype === 'CONSTR_GENERATED');
}

/** Whether the foreign keys on the columns these actions add are checked against existing rows. */
export function validatesAddedColumnKeys(cmds: readonly AlterTableCmd[]): boolean {
  return cmds.some((cmd) => {
    if (cmd.subtype === 'AT_AddColumn' && cmd.def && 'ColumnDef' in cmd.def) return hasDefault(cmd.def.ColumnDef);
    return (
      cmd.subtype === 'AT_AddConstraint' &&
      cmd.def !== undefined &&
      'Constraint' in cmd.def &&
      cmd.def.Constraint.contype === 'CONSTR_FOREIGN'
    );
  });
}

/** Whether adding this column reads every existing row (an index build, a CHECK, a validated foreign key). */
export function addedColumnScans(def: ColumnDef, keysValidated: boolean): boolean {
  return constraintsOf(def).some(
    (item) =>
      item.contype === 'CONSTR_UNIQUE' ||
      item.contype === 'CONSTR_PRIMARY' ||
      item.contype === 'CONSTR_CHECK' ||
      (item.contype === 'CONSTR_FOREIGN' && keysValidated),
  );
}
