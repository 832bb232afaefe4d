// Typed domain errors. One Fastify error handler maps them to JSON {error, message, field?, reason?, details?}.
// `reason` is a stable machine code the UI translates (e.g. invalid_credentials, csrf).
export interface ErrorExtras {
  field?: string | undefined;
  reason?: string;
  details?: unknown;
}

export class DomainError extends Error {
  readonly field: string | undefined;
  readonly reason: string | undefined;
  readonly details: unknown;
  constructor(
    readonly code: 'not_found' | 'forbidden' | 'conflict' | 'invalid' | 'unauthorized' | 'too_many_requests',
    readonly status: number,
    message: string,
    extras: ErrorExtras = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.field = extras.field;
    this.reason = extras.reason;
    this.details = extras.details;
  }
}
export class NotFound extends DomainError {
  constructor(message: string) {
    super('not_found', 404, message);
  }
}
export class Forbidden extends DomainError {
  constructor(message = 'You may not do this', extras: ErrorExtras = {}) {
    super('forbidden', 403, message, extras);
  }
}
export class Unauthorized extends DomainError {
  constructor(message = 'Log in first', extras: ErrorExtras = {}) {
    super('unauthorized', 401, message, extras);
  }
}
export class TooManyRequests extends DomainError {
  constructor(message: string, extras: ErrorExtras = {}) {
    super('too_many_requests', 429, message, extras);
  }
}
export class Conflict extends DomainError {
  constructor(message: string, extras: ErrorExtras = {}) {
    super('conflict', 409, message, extras);
  }
}
export class Invalid extends DomainError {
  constructor(message: string, field?: string, details?: unknown, reason?: string) {
    super('invalid', 400, message, { field, details, ...(reason ? { reason } : {}) });
  }
}
