// TypeBox schemas of the data store API (kho dữ liệu của tôi).
import Type, { type Static } from 'typebox';
import { REGISTRIES } from '../catalog/evidence.js';
import { UNUSABLE_REASONS } from './store.js';

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-mm-dd' });
const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
const UnusableReason = Type.Enum(UNUSABLE_REASONS);

export const StoreItem = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  evidenceType: Nullable(Type.String()),
  evidenceTypeName: Nullable(Type.String()),
  issuerName: Nullable(Type.String()),
  issuedOn: Nullable(Type.String()),
  validUntil: Nullable(Type.String()),
  /** upload | result */
  source: Type.String(),
  eResult: Type.Optional(Type.Object({ serial: Type.String(), status: Type.String() })),
  usable: Type.Boolean(),
  unusableReason: Type.Optional(UnusableReason),
  mediaType: Type.String(),
  size: Type.Integer(),
  createdAt: Type.String(),
});
export type StoreItem = Static<typeof StoreItem>;
export const StoreItemList = Type.Object({ items: Type.Array(StoreItem) });

export const NewStoreItem = Type.Object(
  {
    upload: Type.String({ pattern: '^[0-9a-f-]{36}$' }),
    evidenceType: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{2,60}$' })),
    title: Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' }),
    issuerName: Type.Optional(Type.String({ maxLength: 300 })),
    issuedOn: Type.Optional(IsoDate),
    validUntil: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);

export const StoreOptions = Type.Object({
  documents: Type.Array(
    Type.Object({
      requirement: Type.String(),
      name: Type.String(),
      evidenceType: Type.Optional(Type.String()),
      evidenceTypeName: Type.Optional(Type.String()),
      storeItems: Type.Array(
        Type.Object({
          id: Type.Integer(),
          title: Type.String(),
          issuerName: Nullable(Type.String()),
          issuedOn: Nullable(Type.String()),
          validUntil: Nullable(Type.String()),
          usable: Type.Boolean(),
          unusableReason: Type.Optional(UnusableReason),
        }),
      ),
      registry: Type.Optional(Type.Object({ name: Type.Enum(REGISTRIES), available: Type.Boolean(), subjectKeyMasked: Nullable(Type.String()) })),
    }),
  ),
});
