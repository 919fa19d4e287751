import { createRequire } from 'node:module';

/**
 * Node built-ins a one-shot `check` rarely needs, loaded on first use: each costs a process's start a few
 * milliseconds (node:crypto brings its ciphers and key modules, node:child_process its sockets, node:zlib its streams).
 */
const require = createRequire(import.meta.url);

export const nodeCrypto = () => require('node:crypto') as typeof import('node:crypto');
export const nodeChildProcess = () => require('node:child_process') as typeof import('node:child_process');
export const nodeZlib = () => require('node:zlib') as typeof import('node:zlib');
