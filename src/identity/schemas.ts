// TypeBox schemas of identity: accounts, sessions, roles, access log. Each type shares its name.
import Type, { type Static } from 'typebox';
import { AgencyLevel } from '../catalog/schemas.js';

export const ACCOUNT_KINDS = ['citizen', 'business', 'officer'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** Roles granted on a node of the agency tree; each applies to that node's subtree. */
export const ROLES = ['desk_officer', 'specialist', 'unit_head', 'agency_leader', 'supervisor', 'agency_admin', 'system_admin'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = Type.Enum(ROLES);

const Email = Type.String({ format: 'email', minLength: 3, maxLength: 200 });
/** 10–128 characters; length beats complexity rules (NIST SP 800-63B). */
const Password = Type.String({ minLength: 10, maxLength: 128 });
const PersonName = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const Phone = Type.String({ pattern: '^\\+?[0-9 .-]{8,20}$' });
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Address = Type.String({ minLength: 1, maxLength: 500 });
/** CCCD: 12 digits (DOMAIN.md §4); the province, century/gender and birth-year digits are checked by the server. */
const CitizenId = Type.String({ pattern: '^[0-9]{12}$' });
/** Tax/enterprise code: 10 digits with a check digit, or a branch code NNNNNNNNNN-NNN. */
const TaxCode = Type.String({ pattern: '^[0-9]{10}(-[0-9]{3})?$' });
const Token = Type.String({ minLength: 20, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' });

export const RegisterRequest = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('citizen'),
      email: Email,
      password: Password,
      fullName: PersonName,
      citizenId: CitizenId,
      dateOfBirth: IsoDate,
      gender: Type.Enum(['male', 'female']),
      phone: Type.Optional(Phone),
      address: Type.Optional(Address),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('business'),
      email: Email,
      password: Password,
      fullName: Type.String({ minLength: 1, maxLength: 300, pattern: '\\S', description: 'registered name of the business' }),
      taxCode: TaxCode,
      phone: Type.Optional(Phone),
      address: Type.Optional(Address),
    },
    { additionalProperties: false },
  ),
]);
export type RegisterRequest = Static<typeof RegisterRequest>;

export const RegisterResponse = Type.Object({ id: Type.Integer(), email: Type.String(), verificationSent: Type.Boolean() });
export const TokenRequest = Type.Object({ token: Token }, { additionalProperties: false });
export const LoginRequest = Type.Object({ email: Email, password: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
export const PasswordResetRequest = Type.Object({ email: Email }, { additionalProperties: false });
export const PasswordResetConfirm = Type.Object({ token: Token, password: Password }, { additionalProperties: false });
export const PasswordChange = Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 128 }), newPassword: Password }, { additionalProperties: false });

export const Grant = Type.Object({
  id: Type.Integer(),
  role: RoleSchema,
  agencyCode: Type.String(),
  agencyName: Type.String(),
  agencyLevel: AgencyLevel,
  validFrom: Type.String(),
  validTo: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
});
export type Grant = Static<typeof Grant>;

export const Profile = Type.Object({
  id: Type.Integer(),
  kind: Type.Enum(ACCOUNT_KINDS),
  email: Type.String(),
  emailVerified: Type.Boolean(),
  fullName: Type.String(),
  dateOfBirth: Type.Union([Type.String(), Type.Null()]),
  gender: Type.Union([Type.Enum(['male', 'female']), Type.Null()]),
  citizenId: Type.Union([Type.String(), Type.Null()]),
  taxCode: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
});
export type Profile = Static<typeof Profile>;

export const Me = Type.Object({
  account: Profile,
  /** active grants only */
  grants: Type.Array(Grant),
  /** the business this person is acting for in this session, if any */
  actingFor: Type.Union([Type.Object({ id: Type.Integer(), fullName: Type.String(), taxCode: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
  /** send as the x-csrf-token header on every POST/PUT/PATCH/DELETE */
  csrfToken: Type.String(),
});
export type Me = Static<typeof Me>;

export const ProfileUpdate = Type.Object(
  {
    fullName: Type.Optional(PersonName),
    phone: Type.Optional(Type.Union([Phone, Type.Null()])),
    address: Type.Optional(Type.Union([Address, Type.Null()])),
  },
  { additionalProperties: false },
);

export const AccessLogEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actorName: Type.String(),
  actorAgency: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  resourceType: Type.String(),
  resourceId: Type.String(),
  purpose: Type.String(),
});
export const AccessLog = Type.Object({ items: Type.Array(AccessLogEntry) });

export const Delegation = Type.Object({
  id: Type.Integer(),
  business: Type.Object({ id: Type.Integer(), fullName: Type.String(), taxCode: Type.Union([Type.String(), Type.Null()]) }),
  person: Type.Object({ id: Type.Integer(), fullName: Type.String(), email: Type.String() }),
  grantedAt: Type.String(),
});
export const DelegationList = Type.Object({ items: Type.Array(Delegation) });
export const DelegationCreate = Type.Object({ email: Email }, { additionalProperties: false });
export const ActingForRequest = Type.Object({ businessId: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]) }, { additionalProperties: false });

export const GrantCreate = Type.Object(
  {
    role: RoleSchema,
    agencyCode: Type.String({ pattern: '^[A-Z0-9.]{3,40}$' }),
    validFrom: Type.Optional(IsoDate),
    validTo: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);
export type GrantCreate = Static<typeof GrantCreate>;

export const OfficerCreate = Type.Object(
  {
    email: Email,
    fullName: PersonName,
    phone: Type.Optional(Phone),
    /** initial password; the officer is asked to change it. Omit to send a set-password link by e-mail. */
    password: Type.Optional(Password),
    grants: Type.Array(GrantCreate, { minItems: 1, maxItems: 20 }),
  },
  { additionalProperties: false },
);
export type OfficerCreate = Static<typeof OfficerCreate>;

export const Officer = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  fullName: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  grants: Type.Array(Grant),
});
export type Officer = Static<typeof Officer>;
export const OfficerList = Type.Object({ items: Type.Array(Officer) });

export const ApplicantSearch = Type.Object({
  q: Type.String({ minLength: 3, maxLength: 200, description: 'CCCD, tax code, e-mail or name' }),
  purpose: Type.String({ minLength: 3, maxLength: 300, description: 'why the officer looks (logged, shown to the applicant)' }),
});
export const ApplicantList = Type.Object({ items: Type.Array(Profile) });
