import { AsyncLocalStorage } from 'node:async_hooks';
import { sourceMappedStack } from '../loader.js';

/**
 * ORM APIs (TypeORM's QueryRunner, Sequelize's QueryInterface) await internally before they send SQL, so the
 * stack at query time no longer shows the migration line. Wrapping the API object records the stack at the call
 * the migration made, and the queries issued inside that call read it from here.
 */
const callSite = new AsyncLocalStorage<string | undefined>();

export function currentCallSite(): string | undefined {
  return callSite.getStore();
}

export function withCallSites<T extends object>(target: T): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || property === 'constructor') return value;
      return function (this: unknown, ...args: unknown[]) {
        const stack = callSite.getStore() ?? sourceMappedStack();
        return callSite.run(stack, () => value.apply(this === receiver ? object : this, args));
      };
    },
  });
}
