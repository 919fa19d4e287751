import type { ProjectCodeConsent } from './types.js';

/** The consent as a question asked at most once: later calls get the first answer. */
export function askOnce(consent: ProjectCodeConsent | undefined): () => Promise<boolean> {
  if (typeof consent !== 'function') {
    const given = consent === true;
    return async () => given;
  }
  let answer: Promise<boolean> | undefined;
  return () => {
    answer ??= consent().then(
      (value) => value === true,
      () => false,
    );
    return answer;
  };
}
