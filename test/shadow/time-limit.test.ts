import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { TimeLimit } from '../../src/shadow/time-limit.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The time limit of a rehearsal: its cancellation, the stop it triggers, the error it explains, the pause. */
describe('TimeLimit', () => {
  it('returns as soon as the caller cancels, after stopping the work, and says it was cancelled', async () => {
    const cancel = new AbortController();
    const limit = new TimeLimit(60_000, cancel.signal);
    const stopped: string[] = [];
    const never = new Promise<string>(() => undefined);
    const run = limit.run(
      () => never,
      async () => {
        stopped.push('stopped');
      },
    );
    setTimeout(() => cancel.abort(), 20);
    const error = await run.catch((caught: unknown) => limit.explain(caught, 'rehearsal', 'the shadow was dropped'));
    expect(stopped).toEqual(['stopped']);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ code: 'rehearsal-cancelled' });
    expect((error as UserError).what).toMatch(/^The rehearsal was cancelled after \d+ ms; the shadow was dropped\.$/);
  });

  it('keeps what the stopped work reports (the file it ran) in the time-limit error', async () => {
    const limit = new TimeLimit(50);
    const error = await limit
      .run(
        () =>
          new Promise<never>((_, reject) =>
            limit.signal.addEventListener('abort', () =>
              reject(new UserError('cancelled', 'It was recording m.js.', 'Run it again.', { file: 'm.js' })),
            ),
          ),
        async () => undefined,
      )
      .catch((caught: unknown) => limit.explain(caught, 'rehearsal', 'nothing was left running'));
    expect(error).toMatchObject({ code: 'rehearsal-timeout', where: { file: 'm.js' } });
    expect((error as UserError).what).toMatch(
      /^The rehearsal was stopped by its time limit \(timeoutMs 50\) after \d+ ms; nothing was left running\. It was recording m\.js\.$/,
    );
  });

  it('does not count the time a human takes to answer a consent question', async () => {
    const limit = new TimeLimit(300);
    const answer = await limit.excluding(async () => {
      await sleep(600);
      return 'yes';
    });
    expect(answer).toBe('yes');
    expect(limit.signal.aborted).toBe(false);
    await sleep(1_000);
    expect(limit.timedOut).toBe(true);
  });

  it('passes an error through unchanged when neither the limit nor the caller stopped the call', async () => {
    const limit = new TimeLimit(60_000);
    const failure = new Error('syntax error at or near "CREAT"');
    const error = await limit
      .run(
        () => Promise.reject(failure),
        async () => undefined,
      )
      .catch((caught: unknown) => limit.explain(caught, 'rehearsal', 'dropped'));
    expect(error).toBe(failure);
  });
});
