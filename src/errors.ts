/**
 * The one error type the engine throws on bad input. It always says what went wrong, where
 * (file:line:col when known) and how to fix it, so tools and the CLI can show it as is.
 */
export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
}

export class UserError extends Error {
  readonly what: string;
  readonly where: ErrorLocation | undefined;
  readonly fix: string;
  readonly code: string;

  constructor(code: string, what: string, fix: string, where?: ErrorLocation) {
    super(formatUserError(what, fix, where));
    this.name = 'UserError';
    this.code = code;
    this.what = what;
    this.fix = fix;
    this.where = where;
  }

  toJSON(): { code: string; what: string; where?: ErrorLocation; fix: string } {
    return { code: this.code, what: this.what, ...(this.where ? { where: this.where } : {}), fix: this.fix };
  }
}

export function formatLocation(where: ErrorLocation): string {
  let text = where.file ?? '<input>';
  if (where.line !== undefined) {
    text += `:${where.line}`;
    if (where.column !== undefined) text += `:${where.column}`;
  }
  return text;
}

function formatUserError(what: string, fix: string, where?: ErrorLocation): string {
  const prefix = where ? `${formatLocation(where)}: ` : '';
  return `${prefix}${what}\n  fix: ${fix}`;
}

/** Turns anything thrown into a UserError; unexpected errors keep their message but get a generic fix. */
export function toUserError(error: unknown): UserError {
  if (error instanceof UserError) return error;
  // An AbortSignal's own reason: the caller cancelled, or a time limit passed, before the work could say more.
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name === 'AbortError' || name === 'TimeoutError') {
    return new UserError(
      name === 'AbortError' ? 'cancelled' : 'timeout',
      name === 'AbortError'
        ? 'The call was cancelled; what it was running was stopped and its shadow database dropped.'
        : 'The call was stopped by its time limit; what it was running was stopped and its shadow database dropped.',
      'Run it again when ready.',
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new UserError(
    'internal',
    `Unexpected failure: ${message}`,
    'This is a bug in db-migration-agent; please report it with the input that caused it.',
  );
}
