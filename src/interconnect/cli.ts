// Command line of the interconnection (#6):
//   motcua interconnect key                       our current public key (JWK + kid) for the directory; creates it
//   motcua interconnect rotate-key                adds a new key (the old one stays valid until the directory retires it)
//   motcua directory keygen --out FILE            the city's directory key pair: private JWK to FILE (0600), public printed
//   motcua directory sign --key PRIVATE.jwk --in members.json --out directory.jws
//   motcua verify-messages                        re-verifies every stored message and receipt against the directory
// Returns the process exit code; errors the operator can fix are StartupErrors with one line.
import fs from 'node:fs';
import type { JWK } from 'jose';
import type { Config, InterconnectConfig } from '../config.js';
import { StartupError } from '../lib/startup-error.js';
import { openConfiguredDatabase } from '../system.js';
import { readCityKey, readDirectory, signDirectory } from './directory.js';
import { generateDirectoryKey, loadOrCreateMemberKeys, rotateMemberKey, writeSecretFile } from './keys.js';
import type { Directory } from './types.js';
import { verifyMessages } from './verify-messages.js';

export const INTERCONNECT_USAGE = `  interconnect key                 print this member's public signing key (JWK + kid), creating it
  interconnect rotate-key          add a new signing key (publish it in the directory before the old one expires)
  directory keygen --out FILE      create the city's directory key: private JWK to FILE, public JWK printed
  directory sign --key FILE --in members.json --out directory.jws
                                   sign the member directory with the city's private key
  verify-messages                  re-verify every stored interconnection message and receipt`;

function option(args: string[], name: string): string {
  const i = args.indexOf(name);
  const v = i >= 0 ? args[i + 1] : undefined;
  if (!v || v.startsWith('--')) throw new StartupError(`missing ${name} FILE\n${INTERCONNECT_USAGE}`);
  return v;
}

function needInterconnect(config: Config): InterconnectConfig {
  if (!config.interconnect) throw new StartupError('interconnection is not configured (set the INTERCONNECT_* variables)');
  return config.interconnect;
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new StartupError(`cannot read ${what} ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function runInterconnectCli(command: string, args: string[], config: Config): Promise<number> {
  // accept both ('interconnect', ['key']) and ('interconnect key', [])
  const words = [...command.trim().split(/\s+/), ...args];
  const [cmd, sub, ...rest] = words;
  const now = new Date();

  if (cmd === 'interconnect' && (sub === 'key' || sub === 'rotate-key')) {
    const ic = needInterconnect(config);
    if (sub === 'rotate-key') {
      const added = await rotateMemberKey(ic.keysDir, now);
      console.log(JSON.stringify({ member: ic.memberId, kid: added.kid, jwk: added.publicJwk, createdAt: now.toISOString() }, null, 2));
      console.error('new key created; add it to the directory (validFrom now), and give the old key a validTo once every member has the new directory');
      return 0;
    }
    const ring = await loadOrCreateMemberKeys(ic.keysDir, now);
    const key = ring.keys[ring.keys.length - 1];
    if (!key) throw new StartupError(`no signing key in ${ic.keysDir}`);
    console.log(JSON.stringify({ member: ic.memberId, kid: key.kid, jwk: key.publicJwk, createdAt: key.createdAt }, null, 2));
    return 0;
  }

  if (cmd === 'directory' && sub === 'keygen') {
    const out = option(rest, '--out');
    if (fs.existsSync(out)) throw new StartupError(`${out} already exists: not overwriting a directory key`);
    const { privateJwk, publicJwk, kid } = await generateDirectoryKey();
    writeSecretFile(out, `${JSON.stringify({ ...privateJwk, kid }, null, 2)}\n`);
    console.log(JSON.stringify({ ...publicJwk, kid }, null, 2));
    console.error(`private directory key written to ${out} (mode 0600): keep it offline; give members the public key above`);
    return 0;
  }

  if (cmd === 'directory' && sub === 'sign') {
    const keyFile = option(rest, '--key');
    const inFile = option(rest, '--in');
    const out = option(rest, '--out');
    const privateJwk = readJson(keyFile, 'the directory key') as JWK;
    const input = readJson(inFile, 'the members file') as Partial<Directory> | Directory['members'];
    // members.json may be the whole payload or just the members array
    const payload: Directory = Array.isArray(input)
      ? { v: 1, issuedAt: now.toISOString(), members: input }
      : { v: 1, issuedAt: now.toISOString(), members: input.members ?? [] };
    let jws: string;
    try {
      jws = await signDirectory(payload, privateJwk);
    } catch (err) {
      throw new StartupError(`cannot sign the directory: ${err instanceof Error ? err.message : String(err)}`);
    }
    fs.writeFileSync(out, `${jws}\n`);
    console.log(`directory with ${payload.members.length} member(s) signed at ${payload.issuedAt}: ${out}`);
    return 0;
  }

  if (cmd === 'verify-messages') {
    const ic = needInterconnect(config);
    const directory = await readDirectory(ic.directoryFile, readCityKey(ic.directoryKeyFile));
    const db = await openConfiguredDatabase(config);
    try {
      const report = await verifyMessages(db, directory, ic.memberId);
      for (const f of report.failures) console.error(`failed: ${f.direction} message ${f.messageId} (row ${f.id}): ${f.problem}`);
      console.log(`${report.checked} message(s) checked (${report.unsigned} unsigned, via adapter); ${report.failures.length} failure(s)`);
      return report.failures.length ? 1 : 0;
    } finally {
      await db.destroy();
    }
  }

  throw new StartupError(`unknown interconnection command "${words.join(' ')}"\n${INTERCONNECT_USAGE}`);
}
