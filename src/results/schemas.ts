// Request and response shapes of the e-results API (tag `results`).
import Type from 'typebox';
import { SERIAL_PATTERN } from './serial.js';

/** The e-result part of the record_result action. */
export const EResultBody = Type.Object(
  {
    fields: Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,59}$' }), Type.String({ maxLength: 500 })),
    validUntil: Type.Optional(Type.String({ maxLength: 10 })),
    supersedes: Type.Optional(Type.String({ pattern: SERIAL_PATTERN })),
  },
  { additionalProperties: false },
);

export const SerialParams = Type.Object({ serial: Type.String({ pattern: SERIAL_PATTERN }) });

export const RevokeBody = Type.Object({ reason: Type.String({ minLength: 3, maxLength: 1000 }) }, { additionalProperties: false });

export const ResultsQuery = Type.Object({
  status: Type.Optional(Type.Enum(['valid', 'revoked', 'superseded', 'cancelled'])),
  q: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
});

export const VerifyJsonBody = Type.Object({ jws: Type.String({ minLength: 1, maxLength: 65_536 }) }, { additionalProperties: false });

export const Loose = Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true });
