// Typed domain errors. One Fastify error handler maps them to JSON {error, message, field?}.
export class DomainError extends Error {
  constructor(
    readonly code: 'not_found' | 'forbidden' | 'conflict' | 'invalid',
    readonly status: number,
    message: string,
    readonly field?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
export class NotFound extends DomainError {
  constructor(message: string) {
    super('not_found', 404, message);
  }
}
export class Forbidden extends DomainError {
  constructor(message = 'Forbidden') {
    super('forbidden', 403, message);
  }
}
export class Conflict extends DomainError {
  constructor(message: string, field?: string) {
    super('conflict', 409, message, field);
  }
}
export class Invalid extends DomainError {
  constructor(message: string, field?: string, details?: unknown) {
    super('invalid', 400, message, field, details);
  }
}
