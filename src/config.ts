// Typed configuration from the environment, validated once at start-up.
import path from 'node:path';
import { ConfigError } from './lib/startup-error.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** unset → embedded SQLite at `${dataDir}/motcua.sqlite` */
  databaseUrl: string | undefined;
  logLevel: LogLevel;
  /** largest accepted JSON body, bytes */
  bodyLimit: number;
  /** largest accepted uploaded file, bytes */
  uploadLimit: number;
  /** what to seed into an empty database at start: demo = catalog + demo accounts */
  seed: 'demo' | 'catalog' | 'none';
  /** public base URL used in e-mailed links */
  publicUrl: string;
  /** SMTP server (smtp://user:pass@host:port); unset → e-mails are written to the log */
  smtpUrl: string | undefined;
  mailFrom: string;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  /** trust X-Forwarded-* from a reverse proxy (TLS terminated in front) */
  trustProxy: boolean;
  oidc: { issuer: string; clientId: string; clientSecret: string | undefined; citizenIdClaim: string } | undefined;
  /** directory of the built SPA */
  webDir: string;
  /** signed e-results: the city CA and agency keys (<dir>/agencies/<agency code>.p12 overrides the demo CA) */
  signingDir: string;
  signingP12Passphrase: string;
  /** interconnection with other members (#6); undefined → this system works alone */
  interconnect: InterconnectConfig | undefined;
}

export interface InterconnectConfig {
  /** our member id in the directory */
  memberId: string;
  /** the member directory: a JWS signed by the city's directory key */
  directoryFile: string;
  /** the city's public directory key (JWK JSON file): the trust anchor */
  directoryKeyFile: string;
  /** where our Ed25519 signing keys live (private, mode 0600) */
  keysDir: string;
  /** messages signed further than this from our clock are refused */
  clockSkewSeconds: number;
  /** failed deliveries before a message becomes a dead letter */
  maxAttempts: number;
  /** first retry delay; doubles each attempt up to retryMaxMs, with jitter */
  retryBaseMs: number;
  retryMaxMs: number;
  /** one delivery attempt (connect + answer) */
  timeoutMs: number;
  /** how often the delivery worker and foreign-system pollers look for work */
  pollMs: number;
}

/** Documented in README's configuration table; keep the two in step. */
export const CONFIG_VARIABLES = [
  'PORT', 'HOST', 'DATA_DIR', 'UPLOAD_LIMIT', 'DATABASE_URL', 'LOG_LEVEL', 'BODY_LIMIT', 'SEED', 'WEB_DIR', 'PUBLIC_URL', 'SMTP_URL', 'MAIL_FROM',
  'SESSION_IDLE_MINUTES', 'SESSION_MAX_HOURS', 'TRUST_PROXY', 'OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_CITIZEN_ID_CLAIM',
  'SIGNING_DIR', 'SIGNING_P12_PASSPHRASE',
  'INTERCONNECT_MEMBER', 'INTERCONNECT_DIRECTORY', 'INTERCONNECT_DIRECTORY_KEY', 'INTERCONNECT_KEYS_DIR', 'INTERCONNECT_CLOCK_SKEW_SECONDS',
  'INTERCONNECT_MAX_ATTEMPTS', 'INTERCONNECT_RETRY_BASE_MS', 'INTERCONNECT_RETRY_MAX_MS', 'INTERCONNECT_TIMEOUT_MS', 'INTERCONNECT_POLL_MS',
] as const;

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const logLevel = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${env.LOG_LEVEL}")`);
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError('DATABASE_URL must start with postgres:// (leave it unset for the embedded SQLite database)');
  const seed = env.SEED || 'demo';
  if (seed !== 'demo' && seed !== 'catalog' && seed !== 'none') throw new ConfigError(`SEED must be demo, catalog or none (got "${seed}")`);
  const port = integer('PORT', env.PORT, 3000, 0, 65535);
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/$/, '');
  if (!/^https?:\/\/[^/]+/.test(publicUrl)) throw new ConfigError(`PUBLIC_URL must be an http(s) URL (got "${publicUrl}")`);
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new ConfigError('SMTP_URL must start with smtp:// or smtps://');
  const trustProxy = env.TRUST_PROXY || 'false';
  if (trustProxy !== 'true' && trustProxy !== 'false') throw new ConfigError(`TRUST_PROXY must be true or false (got "${trustProxy}")`);
  let oidc: Config['oidc'];
  if (env.OIDC_ISSUER) {
    if (!/^https?:\/\//.test(env.OIDC_ISSUER)) throw new ConfigError('OIDC_ISSUER must be an http(s) URL');
    if (!env.OIDC_CLIENT_ID) throw new ConfigError('OIDC_CLIENT_ID is required with OIDC_ISSUER');
    oidc = { issuer: env.OIDC_ISSUER, clientId: env.OIDC_CLIENT_ID, clientSecret: env.OIDC_CLIENT_SECRET || undefined, citizenIdClaim: env.OIDC_CITIZEN_ID_CLAIM || 'citizen_id' };
  }
  const dataDir = path.resolve(cwd, env.DATA_DIR || './data');
  let interconnect: InterconnectConfig | undefined;
  if (env.INTERCONNECT_MEMBER) {
    if (!/^[a-z0-9][a-z0-9-]{1,40}$/.test(env.INTERCONNECT_MEMBER)) throw new ConfigError('INTERCONNECT_MEMBER must be a member id: lower-case letters, digits and dashes');
    if (!env.INTERCONNECT_DIRECTORY) throw new ConfigError('INTERCONNECT_DIRECTORY (the signed member directory file) is required with INTERCONNECT_MEMBER');
    if (!env.INTERCONNECT_DIRECTORY_KEY) throw new ConfigError("INTERCONNECT_DIRECTORY_KEY (the city's public directory key, a JWK file) is required with INTERCONNECT_MEMBER");
    interconnect = {
      memberId: env.INTERCONNECT_MEMBER,
      directoryFile: path.resolve(cwd, env.INTERCONNECT_DIRECTORY),
      directoryKeyFile: path.resolve(cwd, env.INTERCONNECT_DIRECTORY_KEY),
      keysDir: path.resolve(cwd, env.INTERCONNECT_KEYS_DIR || path.join(dataDir, 'interconnect', 'keys')),
      clockSkewSeconds: integer('INTERCONNECT_CLOCK_SKEW_SECONDS', env.INTERCONNECT_CLOCK_SKEW_SECONDS, 300, 1, 86_400),
      maxAttempts: integer('INTERCONNECT_MAX_ATTEMPTS', env.INTERCONNECT_MAX_ATTEMPTS, 12, 1, 1000),
      retryBaseMs: integer('INTERCONNECT_RETRY_BASE_MS', env.INTERCONNECT_RETRY_BASE_MS, 1000, 10, 3_600_000),
      retryMaxMs: integer('INTERCONNECT_RETRY_MAX_MS', env.INTERCONNECT_RETRY_MAX_MS, 300_000, 10, 86_400_000),
      timeoutMs: integer('INTERCONNECT_TIMEOUT_MS', env.INTERCONNECT_TIMEOUT_MS, 10_000, 100, 300_000),
      pollMs: integer('INTERCONNECT_POLL_MS', env.INTERCONNECT_POLL_MS, 200, 10, 60_000),
    };
  }
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir,
    databaseUrl,
    logLevel,
    bodyLimit: integer('BODY_LIMIT', env.BODY_LIMIT, 1_048_576, 1024, 100 * 1_048_576),
    uploadLimit: integer('UPLOAD_LIMIT', env.UPLOAD_LIMIT, 10 * 1_048_576, 1024, 200 * 1_048_576),
    seed,
    publicUrl,
    smtpUrl,
    mailFrom: env.MAIL_FROM || 'motcua <no-reply@motcua.invalid>',
    sessionIdleMinutes: integer('SESSION_IDLE_MINUTES', env.SESSION_IDLE_MINUTES, 30, 1, 24 * 60),
    sessionMaxHours: integer('SESSION_MAX_HOURS', env.SESSION_MAX_HOURS, 12, 1, 24 * 30),
    trustProxy: trustProxy === 'true',
    oidc,
    webDir: path.resolve(cwd, env.WEB_DIR || 'dist/web'),
    signingDir: path.resolve(cwd, env.SIGNING_DIR || path.join(env.DATA_DIR || './data', 'signing')),
    signingP12Passphrase: env.SIGNING_P12_PASSPHRASE ?? '',
    interconnect,
  };
}
