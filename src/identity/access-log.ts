// Every read of personal data by an officer leaves a trace the data subject can see.
import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/connect.js';
import type { Action, Actor } from './permissions.js';
import { ROLE_ACTIONS } from './permissions.js';
import { insertAccess } from './store.js';

export async function recordAccess(
  db: Db,
  req: FastifyRequest,
  actor: Actor,
  e: { action: Action; subjectAccountId: number | null; resourceType: string; resourceId: string; purpose: string },
  now: Date,
): Promise<void> {
  // attribute the access to the agency of the grant that allowed it
  const grant = actor.grants.find((g) => ROLE_ACTIONS[e.action].includes(g.role));
  await insertAccess(db, {
    at: now.toISOString(),
    actorId: actor.accountId,
    actorAgencyId: grant?.agencyId ?? null,
    subjectAccountId: e.subjectAccountId,
    action: e.action,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    purpose: e.purpose,
    ip: req.ip,
  });
}
