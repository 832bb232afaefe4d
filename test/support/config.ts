import path from 'node:path';
import { type Config, loadConfig } from '../../src/config.js';
import { packageRoot } from '../../src/lib/package-root.js';

/** The configuration a test app runs with: defaults from loadConfig, quiet logs, the built SPA. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', WEB_DIR: path.join(packageRoot(), 'dist', 'web'), PUBLIC_URL: 'http://127.0.0.1:3000', ...env });
}
