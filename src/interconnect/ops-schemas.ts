// TypeBox schemas of the interconnection operations API (OpenAPI tag 'interconnect'): peers with
// their reachability, the outbox counters, failing deliveries, dead letters, refusals, the recent
// message log with each message's verification, and one message in full.
import Type from 'typebox';

const N = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const Verified = Type.Union([Type.Literal('valid'), Type.Literal('invalid'), Type.Literal('unsigned'), Type.Literal('pending')], {
  description: 'valid: the signature and the receipt verify against the directory; invalid: one of them does not; unsigned: exchanged through the foreign-system adapter; pending: not signed or not acknowledged yet',
});

export const PeerView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  baseUrl: Type.String(),
  hosts: Type.Array(Type.String()),
  reachable: Type.Boolean(),
  latencyMs: N(Type.Integer()),
  clockOffsetMs: N(Type.Integer({ description: "the peer's clock minus ours, in ms" })),
  checkedAt: Type.String(),
  error: Type.Optional(Type.String()),
});

export const OutboxView = Type.Object({
  pending: Type.Integer(),
  oldestPendingAt: N(Type.String()),
  failing: Type.Integer({ description: 'pending messages whose last attempt failed' }),
  delivered24h: Type.Integer(),
  dead: Type.Integer(),
});

const Common = {
  id: Type.Integer(),
  messageId: Type.String(),
  peer: Type.String(),
  type: Type.String(),
  dossierRef: N(Type.String()),
};

export const FailureView = Type.Object({ ...Common, attempts: Type.Integer(), lastError: N(Type.String()), nextAttemptAt: N(Type.String()) });
export const DeadLetterView = Type.Object({ ...Common, attempts: Type.Integer(), lastError: N(Type.String()), createdAt: Type.String() });
export const RefusalView = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  peer: N(Type.String()),
  messageId: N(Type.String()),
  code: Type.String(),
  detail: Type.String(),
  requestHash: Type.String(),
});
export const RecentView = Type.Object({
  ...Common,
  direction: Type.Union([Type.Literal('out'), Type.Literal('in')]),
  status: Type.String(),
  createdAt: Type.String(),
  doneAt: N(Type.String()),
  verified: Verified,
});

export const OpsOverview = Type.Object({
  enabled: Type.Boolean(),
  member: N(Type.String()),
  directoryIssuedAt: N(Type.String()),
  peers: Type.Array(PeerView),
  outbox: OutboxView,
  failures: Type.Array(FailureView),
  deadLetters: Type.Array(DeadLetterView),
  refusals: Type.Array(RefusalView),
  recent: Type.Array(RecentView),
});

const SignatureCheck = Type.Object({ ok: Type.Boolean(), signer: N(Type.String()), kid: N(Type.String()), detail: Type.String() });

export const MessageDetail = Type.Object({
  ...Common,
  direction: Type.Union([Type.Literal('out'), Type.Literal('in')]),
  status: Type.String(),
  createdAt: Type.String(),
  doneAt: N(Type.String()),
  attempts: Type.Integer(),
  lastError: N(Type.String()),
  nextAttemptAt: N(Type.String()),
  body: Type.Unknown(),
  attachments: Type.Unknown(),
  jws: N(Type.String()),
  receipt: N(Type.String({ description: "out: the peer's signed receipt (for a foreign system, a JSON note of its answer); in: ours" })),
  verification: Type.Object({ verified: Verified, signature: N(SignatureCheck), receipt: N(SignatureCheck), summary: Type.String() }),
});

export const RetryResult = Type.Object({ id: Type.Integer(), status: Type.Literal('pending') });

export const AbandonResult = Type.Object({
  id: Type.Integer(),
  status: Type.Literal('abandoned'),
  reopened: Type.Boolean({ description: 'a transfer or consultation request whose step (or consultation) came back to the sending agency, as if the peer had rejected it' }),
});

export const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) });
