import { ddlIdentifier as ident } from '../../engines/postgresql/identifiers.js';
import type { Grant, Schema } from '../model.js';
import { qualifiedName } from '../model.js';
import { operation, type PlannedOperation } from './operation.js';

/**
 * Table privileges from one schema to the other: what a role lost is revoked (or only its grant option), what it
 * gained is granted, one statement per table, role and grant option. A dropped table takes its grants with it.
 * Compared only when both sides know their grants: a Prisma schema says nothing about them, which is not "none".
 */
export function planGrants(before: Schema, after: Schema, phase: number): PlannedOperation[] {
  const ops: PlannedOperation[] = [];
  if (!before.grantsKnown || !after.grantsKnown) return ops;
  const earlier = new Map(before.tables.map((table) => [qualifiedName(table), table.grants ?? []]));
  for (const table of after.tables) {
    const name = qualifiedName(table);
    const was = earlier.get(name) ?? [];
    const now = table.grants ?? [];
    const revoked = was.filter((grant) => !holds(now, grant));
    const optionRevoked = was.filter((grant) => grant.grantable && holds(now, grant) && !holds(now, grant, true));
    const gained = now.filter((grant) => !holds(was, grant) || (grant.grantable && !holds(was, grant, true)));
    for (const [grantee, privileges] of byGrantee(revoked))
      ops.push(
        operation(phase, 'revoke', `${name}:${grantee}`, 'careful', `${grantee} loses ${privileges.join(', ')}`, [
          `REVOKE ${privileges.join(', ')} ON ${q(name)} FROM ${role(grantee)}`,
        ]),
      );
    for (const [grantee, privileges] of byGrantee(optionRevoked))
      ops.push(
        operation(phase, 'revoke', `${name}:${grantee}`, 'careful', `${grantee} loses the grant option`, [
          `REVOKE GRANT OPTION FOR ${privileges.join(', ')} ON ${q(name)} FROM ${role(grantee)}`,
        ]),
      );
    for (const grantable of [false, true])
      for (const [grantee, privileges] of byGrantee(gained.filter((grant) => Boolean(grant.grantable) === grantable)))
        ops.push(
          operation(phase, 'grant', `${name}:${grantee}`, 'safe', `${grantee} gains ${privileges.join(', ')}`, [
            `GRANT ${privileges.join(', ')} ON ${q(name)} TO ${role(grantee)}${grantable ? ' WITH GRANT OPTION' : ''}`,
          ]),
        );
  }
  return ops;
}

/** The grantee holds the privilege (with the grant option when asked). */
function holds(grants: Grant[], grant: Grant, withGrantOption = false): boolean {
  return grants.some(
    (item) =>
      item.grantee === grant.grantee && item.privilege === grant.privilege && (!withGrantOption || item.grantable),
  );
}

function byGrantee(grants: Grant[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const grant of grants) groups.set(grant.grantee, [...(groups.get(grant.grantee) ?? []), grant.privilege]);
  return groups;
}

function role(grantee: string): string {
  return grantee === 'PUBLIC' ? 'PUBLIC' : ident(grantee);
}

function q(name: string): string {
  return name.split('.').map(ident).join('.');
}
