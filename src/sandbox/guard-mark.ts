/** Shared by the network guard (which sets the mark) and the sandbox's main module (which checks it). */
export const NETWORK_BLOCKED = 'network access is blocked in the sandbox';
export const GUARD_MARK = Symbol.for('db-migration-agent.network-guard');
