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
  /** seed the reference city into an empty database at start */
  seedOnStart: boolean;
  /** directory of the built SPA */
  webDir: string;
}

/** Documented in README's configuration table; keep the two in step. */
export const CONFIG_VARIABLES = ['PORT', 'HOST', 'DATA_DIR', 'DATABASE_URL', 'LOG_LEVEL', 'BODY_LIMIT', 'SEED', 'WEB_DIR'] as const;

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
  const seed = env.SEED ?? 'true';
  if (!['true', 'false'].includes(seed)) throw new ConfigError(`SEED must be true or false (got "${seed}")`);
  return {
    port: integer('PORT', env.PORT, 3000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(cwd, env.DATA_DIR || './data'),
    databaseUrl,
    logLevel,
    bodyLimit: integer('BODY_LIMIT', env.BODY_LIMIT, 1_048_576, 1024, 100 * 1_048_576),
    seedOnStart: seed === 'true',
    webDir: path.resolve(cwd, env.WEB_DIR || 'dist/web'),
  };
}
