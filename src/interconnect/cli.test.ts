// The interconnection commands, run in-process against a temp data directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testConfig } from '../../test/support/config.js';
import type { Config } from '../config.js';
import { runInterconnectCli } from './cli.js';
import { readDirectory } from './directory.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-iccli-'));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((m: unknown) => void out.push(String(m)));
  vi.spyOn(console, 'error').mockImplementation((m: unknown) => void err.push(String(m)));
  return { out, err };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('interconnect CLI', () => {
  it('keygen, key, sign, verify-messages', async () => {
    const dir = tmp();
    const cityKey = path.join(dir, 'city.private.jwk');
    const cityPub = path.join(dir, 'city.jwk');
    const base = testConfig({ DATA_DIR: dir });
    const config: Config = {
      ...base,
      interconnect: {
        memberId: 'hongbang',
        directoryFile: path.join(dir, 'directory.jws'),
        directoryKeyFile: cityPub,
        keysDir: path.join(dir, 'keys'),
        clockSkewSeconds: 300,
        maxAttempts: 12,
        retryBaseMs: 1000,
        retryMaxMs: 300000,
        timeoutMs: 10000,
        pollMs: 200,
      },
    };

    let io = capture();
    expect(await runInterconnectCli('directory', ['keygen', '--out', cityKey], config)).toBe(0);
    expect(fs.statSync(cityKey).mode & 0o777).toBe(0o600);
    const pub = JSON.parse(io.out.join('\n')) as { kty: string; x: string; d?: string };
    expect(pub.kty).toBe('OKP');
    expect(pub.d).toBeUndefined();
    fs.writeFileSync(cityPub, JSON.stringify(pub));
    await expect(runInterconnectCli('directory', ['keygen', '--out', cityKey], config)).rejects.toThrow(/already exists/);

    vi.restoreAllMocks();
    io = capture();
    expect(await runInterconnectCli('interconnect', ['key'], config)).toBe(0);
    const key = JSON.parse(io.out.join('\n')) as { kid: string; jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string } };

    const members = [{ id: 'hongbang', name: 'Hồng Bàng', kind: 'motcua', baseUrl: 'http://127.0.0.1:4001', hosts: [], keys: [{ kid: key.kid, jwk: key.jwk, validFrom: '2020-01-01T00:00:00.000Z', validTo: null }] }];
    fs.writeFileSync(path.join(dir, 'members.json'), JSON.stringify({ members }));
    vi.restoreAllMocks();
    io = capture();
    expect(await runInterconnectCli('directory', ['sign', '--key', cityKey, '--in', path.join(dir, 'members.json'), '--out', path.join(dir, 'directory.jws')], config)).toBe(0);
    const directory = await readDirectory(path.join(dir, 'directory.jws'), pub);
    expect(directory.members[0]?.keys[0]?.kid).toBe(key.kid);

    vi.restoreAllMocks();
    io = capture();
    expect(await runInterconnectCli('verify-messages', [], config)).toBe(0);
    expect(io.out.join('\n')).toMatch(/^0 message\(s\) checked .* 0 failure\(s\)$/);

    vi.restoreAllMocks();
    io = capture();
    expect(await runInterconnectCli('interconnect rotate-key', [], config)).toBe(0);
    const rotated = JSON.parse(io.out.join('\n')) as { kid: string };
    expect(rotated.kid).not.toBe(key.kid);
    expect(fs.readdirSync(path.join(dir, 'keys'))).toHaveLength(2);
    await expect(runInterconnectCli('directory', ['frobnicate'], config)).rejects.toThrow(/unknown interconnection command/);
  });
});
