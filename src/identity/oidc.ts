// Single sign-on through an external OpenID Connect provider (the national e-ID is one):
// authorization code flow with PKCE, state and nonce kept server-side (any process can finish
// the flow). On first login the citizen account is created, or linked by the verified CCCD claim.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as oidc from 'openid-client';
import Type from 'typebox';
import type { Clock } from '../app.js';
import type { Config } from '../config.js';
import type { Db } from '../db/connect.js';
import { NotFound } from '../lib/errors.js';
import { checkCitizenId } from './citizen-id.js';
import { type SessionPolicy, startSession } from './sessions.js';
import { findAccountBy, findAccountByEmail, insertAccount, updateAccount } from './store.js';

const FLOW_TTL_MS = 10 * 60_000;

/** A same-site path to return to after login; anything else falls back to the home page. */
export function safeReturnPath(next: string | undefined): string {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : '/';
}

export interface OidcDeps {
  db: Db;
  clock: Clock;
  policy: SessionPolicy;
  publicUrl: string;
  settings: NonNullable<Config['oidc']> | undefined;
}

export const oidcRoutes: FastifyPluginAsyncTypebox<OidcDeps> = async (app, { db, clock, policy, publicUrl, settings }) => {
  const tags = ['identity'];
  const redirectUri = `${publicUrl}/api/auth/oidc/callback`;
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = () => {
    if (!settings) throw new NotFound('single sign-on is not configured');
    discovered ??= oidc
      .discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, {
        // a provider on plain http is only accepted on loopback (tests, local development)
        ...(/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(settings.issuer) ? { execute: [oidc.allowInsecureRequests] } : {}),
      })
      .catch((err: unknown) => {
        discovered = undefined;
        throw err;
      });
    return discovered;
  };

  app.get('/api/auth/oidc/status', { schema: { tags, summary: 'Whether login through the e-ID provider is available', response: { 200: Type.Object({ enabled: Type.Boolean() }) } } }, async () => ({ enabled: settings !== undefined }));

  app.get(
    '/api/auth/oidc/login',
    { schema: { tags, summary: 'Start login at the e-ID provider (redirect)', querystring: Type.Object({ next: Type.Optional(Type.String({ maxLength: 500 })) }), response: { 302: Type.Null(), 404: Type.Ref('ErrorResponse') } } },
    async (req, reply) => {
      const config = await configuration();
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      await db.insertInto('oidc_logins').values({ state, code_verifier: verifier, nonce, return_to: safeReturnPath(req.query.next), created_at: clock.now().toISOString() }).execute();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid profile email',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return reply.redirect(url.href, 302);
    },
  );

  app.get(
    '/api/auth/oidc/callback',
    { schema: { tags, summary: 'Return from the e-ID provider: exchange the code, log in (redirect)', querystring: Type.Object({}, { additionalProperties: true }), response: { 302: Type.Null(), 404: Type.Ref('ErrorResponse') } } },
    async (req, reply) => {
      const config = await configuration();
      const fail = (why: string) => {
        req.log.warn({ why }, 'e-ID login failed');
        return reply.redirect(`/dang-nhap?error=${encodeURIComponent(why)}`, 302);
      };
      const current = new URL(req.url, publicUrl);
      const state = current.searchParams.get('state') ?? '';
      const flow = await db.selectFrom('oidc_logins').selectAll().where('state', '=', state).executeTakeFirst();
      if (!flow) return fail('oidc_state');
      await db.deleteFrom('oidc_logins').where('state', '=', state).execute(); // single use
      const now = clock.now();
      if (now.getTime() - Date.parse(flow.created_at) > FLOW_TTL_MS) return fail('oidc_expired');
      let claims: Record<string, unknown>;
      try {
        const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: flow.code_verifier, expectedState: state, expectedNonce: flow.nonce });
        claims = { ...(tokens.claims() ?? {}) };
        if (claims[settings!.citizenIdClaim] === undefined) {
          Object.assign(claims, await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub)));
        }
      } catch (err) {
        req.log.warn({ err }, 'e-ID code exchange failed');
        return fail('oidc_exchange');
      }
      const subject = `${settings!.issuer}|${String(claims.sub)}`;
      const citizenId = typeof claims[settings!.citizenIdClaim] === 'string' ? (claims[settings!.citizenIdClaim] as string) : '';
      const birthdate = typeof claims.birthdate === 'string' ? claims.birthdate : '';
      const gender = claims.gender === 'female' ? 'female' : claims.gender === 'male' ? 'male' : undefined;
      if (!/^[0-9]{12}$/.test(citizenId)) return fail('oidc_no_citizen_id');
      if (birthdate && gender && checkCitizenId(citizenId, birthdate, gender)) return fail('oidc_bad_citizen_id');

      const at = now.toISOString();
      let account = (await findAccountBy(db, 'oidc_subject', subject)) ?? (await findAccountBy(db, 'citizen_id', citizenId));
      if (account && account.kind !== 'citizen') return fail('oidc_not_citizen');
      if (account && account.oidc_subject === null) await updateAccount(db, account.id, { oidc_subject: subject }, at);
      if (!account) {
        const email = typeof claims.email === 'string' && claims.email_verified === true ? claims.email : `${citizenId}@eid.invalid`;
        if (await findAccountByEmail(db, email)) return fail('oidc_email_taken');
        await insertAccount(
          db,
          {
            kind: 'citizen', email, passwordHash: null, fullName: typeof claims.name === 'string' ? claims.name : citizenId, citizenId,
            dateOfBirth: birthdate || null, gender: gender ?? null, oidcSubject: subject, emailVerifiedAt: email.endsWith('@eid.invalid') ? null : at,
          },
          at,
        );
        account = (await findAccountBy(db, 'oidc_subject', subject))!;
      }
      if (account.status !== 'active') return fail('account_disabled');
      await startSession(db, req, reply, account.id, now, policy);
      return reply.redirect(flow.return_to, 302);
    },
  );
};
