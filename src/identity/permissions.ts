// One permission check for every route: can(actor, action, resource).
// Officer rights come from role grants on a node of the agency tree and cover its subtree;
// applicant rights come from owning the resource (or acting for the business that owns it).
import type { Role } from './schemas.js';

export const ACTIONS = [
  'officer.list', 'officer.read', 'officer.create', 'grant.create', 'grant.revoke',
  'applicant.search', 'applicant.read',
  'access_log.read',
  'workspace.enter',
  'dossier.receive', 'dossier.read', 'dossier.process', 'task.assign', 'workflow.edit',
  'complaint.read', 'complaint.handle', 'report.read', 'indicator.edit',
  'registry.lookup', 'registry.admin', 'result.revoke', 'result.read',
  'interconnect.admin',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Which roles may take which officer action (within the subtree of the grant). */
export const ROLE_ACTIONS: Record<Action, readonly Role[]> = {
  'officer.list': ['agency_admin', 'system_admin', 'supervisor'],
  'officer.read': ['agency_admin', 'system_admin', 'supervisor'],
  'officer.create': ['agency_admin', 'system_admin'],
  'grant.create': ['agency_admin', 'system_admin'],
  'grant.revoke': ['agency_admin', 'system_admin'],
  // the desk registers paper dossiers for applicants: it must find them (logged, with a purpose)
  'applicant.search': ['desk_officer', 'system_admin'],
  'applicant.read': ['desk_officer', 'specialist', 'unit_head', 'agency_leader', 'system_admin'],
  'access_log.read': ['supervisor', 'system_admin'],
  'workspace.enter': ['desk_officer', 'specialist', 'unit_head', 'agency_leader', 'supervisor', 'agency_admin', 'system_admin'],
  // the one-stop desk receives, requests supplements, refuses, keeps the register
  'dossier.receive': ['desk_officer'],
  'dossier.read': ['desk_officer', 'specialist', 'unit_head', 'agency_leader', 'supervisor', 'system_admin'],
  // processing steps: each step names the role that acts; the workflow checks step and agency
  'dossier.process': ['desk_officer', 'specialist', 'unit_head', 'agency_leader'],
  'task.assign': ['unit_head', 'agency_leader'],
  // workflow templates are city-wide catalog data
  'workflow.edit': ['system_admin'],
  // complaints and suggestions (PAKN) are handled by the heads of the agency they concern; the
  // inspection role (supervisor) follows them; a complaint about an officer is never shown to that officer
  'complaint.read': ['unit_head', 'agency_leader', 'supervisor', 'system_admin'],
  'complaint.handle': ['unit_head', 'agency_leader'],
  // service-quality dashboards and the national indicators, for the agency subtree in scope
  'report.read': ['unit_head', 'agency_leader', 'supervisor', 'system_admin'],
  // indicator formulas and weights are city-wide data
  'indicator.edit': ['system_admin'],
  // shared registries (once-only): a lookup is for a declared purpose — a dossier the officer
  // handles — and is logged for the data subject; imports and browsing are city-wide admin work
  'registry.lookup': ['desk_officer', 'specialist', 'unit_head', 'agency_leader'],
  'registry.admin': ['system_admin'],
  // e-results: the heads of the issuing agency revoke them; its officers list them
  'result.revoke': ['unit_head', 'agency_leader'],
  'result.read': ['desk_officer', 'specialist', 'unit_head', 'agency_leader', 'supervisor', 'system_admin'],
  // interconnection operations (peers, outbox, dead letters): the member's system administrators
  'interconnect.admin': ['system_admin'],
};

/** A grant as the permission check sees it: role and the materialised path of its agency. */
export interface ActiveGrant {
  id: number;
  role: Role;
  agencyId: number;
  agencyPath: string;
}

export interface Actor {
  accountId: number;
  kind: 'citizen' | 'business' | 'officer';
  grants: ActiveGrant[];
  /** business account this person acts for in this session */
  actingFor: number | null;
}

/** What is acted on: an agency node (by path), and/or an owning applicant account. */
export interface Resource {
  agencyPath?: string;
  ownerAccountId?: number;
}

export function can(actor: Actor, action: Action, resource: Resource = {}): boolean {
  const roles = ROLE_ACTIONS[action];
  return actor.grants.some((g) => roles.includes(g.role) && (resource.agencyPath === undefined || resource.agencyPath.startsWith(g.agencyPath)));
}

/** Agency paths under which the actor may take the action; listings filter with these in SQL. */
export function scopePaths(actor: Actor, action: Action): string[] {
  const roles = ROLE_ACTIONS[action];
  const paths = actor.grants.filter((g) => roles.includes(g.role)).map((g) => g.agencyPath);
  // drop paths already covered by a shorter one
  return paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(q))).filter((p, i, all) => all.indexOf(p) === i);
}

/** The applicant identities an actor speaks for: itself, and the business it acts for. */
export function ownsResource(actor: Actor, resource: Resource): boolean {
  return resource.ownerAccountId !== undefined && (resource.ownerAccountId === actor.accountId || resource.ownerAccountId === actor.actingFor);
}
