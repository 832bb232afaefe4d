// Signed e-results without HTTP: the demo CA and agency certificates, rendering, the PDF
// signature and its verification (valid; one byte flipped in the signed range or in /Contents,
// bytes appended → tampered; a foreign self-signed signer → unknown_signer), poppler's pdfsig
// on the signed file, and the JWS twin (valid; unknown key; bad signature; malformed).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCatalog } from '../src/catalog/import-catalog.js';
import { agencySigner, type AgencySigner, buildCertificate, certFingerprint, selfSigned, signerFromPem, type SigningSettings } from '../src/results/certificates.js';
import { renderResultPdf } from '../src/results/render-result-pdf.js';
import { serialInPdf, newSerial } from '../src/results/serial.js';
import { signPdf } from '../src/results/sign-pdf.js';
import { signTwin, type TwinPayload } from '../src/results/twin.js';
import { type KnownResult, verifyJws, verifyPdf, type VerifyLookup } from '../src/results/verify.js';
import { freshDatabase, type TestDb } from './support/db.js';
import { smallCatalog } from './support/fixtures.js';

const NOW = new Date('2026-03-02T02:00:00Z');
const TODAY = '2026-03-02';
const WARD = '000.01.21.H31';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('signed e-results (certificates, PDF signature, twin, verification)', () => {
  let t: TestDb;
  let settings: SigningSettings;
  let signer: AgencySigner;
  let signed: Buffer;
  let serial: string;
  let twin: string;
  const results = new Map<string, KnownResult>();

  const lookup = (): VerifyLookup => ({
    certificate: async (fp) => {
      const r = await t.db.selectFrom('signing_certificates').select(['fingerprint', 'kind', 'cert_pem']).where('fingerprint', '=', fp).executeTakeFirst();
      return r ? { fingerprint: r.fingerprint, kind: r.kind, certPem: r.cert_pem } : undefined;
    },
    authorities: async () => (await t.db.selectFrom('signing_certificates').select(['fingerprint', 'kind', 'cert_pem']).where('kind', '=', 'ca').execute()).map((r) => ({ fingerprint: r.fingerprint, kind: r.kind, certPem: r.cert_pem })),
    result: async (s) => results.get(s),
  });

  async function issue(by: AgencySigner, s: string) {
    const pdf = await renderResultPdf({
      serial: s, agencyName: 'Ủy ban nhân dân phường Hoàng Văn Thụ', title: 'Giấy khai sinh', dossierCode: 'H31.01-260302-0001', issuedAt: NOW, validUntil: null,
      fields: [{ label: 'Họ và tên', value: 'Nguyễn Thị Bé' }, { label: 'Ngày sinh', value: '01/02/2026' }], verifyUrl: `http://127.0.0.1:3000/xac-minh/${s}`,
    });
    return signPdf(pdf, by, { reason: 'Cấp kết quả giải quyết thủ tục hành chính', location: 'Hải Phòng, Việt Nam', signingTime: NOW });
  }

  beforeAll(async () => {
    t = await freshDatabase('sqlite');
    await importCatalog(t.db, smallCatalog(), NOW);
    settings = { dir: path.join(t.env.DATA_DIR!, 'signing'), p12Passphrase: '' };
    const ward = await t.db.selectFrom('agencies').select(['id', 'code', 'name']).where('code', '=', WARD).executeTakeFirstOrThrow();
    signer = await agencySigner(t.db, settings, ward, NOW);
    serial = newSerial();
    signed = await issue(signer, serial);
    const payload: TwinPayload = { serial, issuer: WARD, issuerName: ward.name, evidenceType: 'giay-khai-sinh', title: 'Giấy khai sinh', subject: { name: 'Nguyễn Thị Bé' }, fields: { fullName: 'Nguyễn Thị Bé' }, issuedAt: NOW.toISOString(), validUntil: null, pdfSha256: sha256(signed), dossierCode: 'H31.01-260302-0001' };
    twin = await signTwin(payload, signer);
    results.set(serial, { serial, status: 'valid', statusAt: null, statusReason: null, supersededBy: null, validUntil: null, pdfSha256: sha256(signed), twin, certFingerprint: signer.fingerprint });
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('creates the city CA and the agency certificate once, keys in files only readable by the owner', async () => {
    const certs = await t.db.selectFrom('signing_certificates').select(['kind', 'agency_id', 'fingerprint']).orderBy('kind').execute();
    expect(certs.map((c) => c.kind)).toEqual(['agency', 'ca']);
    expect(certs[0]!.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const keyFile = path.join(settings.dir, 'agencies', `${WARD}.pem`);
    expect(fs.statSync(keyFile).mode & 0o077).toBe(0);
    expect(fs.statSync(path.join(settings.dir, 'ca.pem')).mode & 0o077).toBe(0);
    // the database rows hold no private key
    const pems = await t.db.selectFrom('signing_certificates').select('cert_pem').execute();
    for (const p of pems) expect(p.cert_pem).not.toContain('PRIVATE KEY');
    // asked again (another process, same directory): the same certificate
    const ward = await t.db.selectFrom('agencies').select(['id', 'code', 'name']).where('code', '=', WARD).executeTakeFirstOrThrow();
    const again = await agencySigner(t.db, settings, ward, NOW);
    expect(again.fingerprint).toBe(signer.fingerprint);
    expect(Number((await t.db.selectFrom('signing_certificates').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(2);
  });

  it('puts the serial in the metadata and verifies the signed PDF as valid', async () => {
    expect(serialInPdf(signed)).toBe(serial);
    const out = await verifyPdf(signed, lookup(), TODAY);
    expect(out).toMatchObject({ verdict: 'valid', serial, signer: { fingerprint: signer.fingerprint } });
    expect(out.signer!.name).toContain('Hoang Van Thu');
    expect(out.signedAt).toBe(NOW.toISOString());
  });

  it('finds one byte flipped in the signed range, in /Contents, or bytes appended: tampered', async () => {
    const inRange = Buffer.from(signed);
    const at = inRange.indexOf('Nguy', 0, 'latin1') >= 0 ? inRange.indexOf('/Producer', 0, 'latin1') + 3 : 200;
    inRange[at] = inRange[at]! ^ 0x01;
    expect(await verifyPdf(inRange, lookup(), TODAY)).toMatchObject({ verdict: 'tampered', detail: 'digest' });

    const inContents = Buffer.from(signed);
    const m = /\/ByteRange\s*\[\s*0\s+(\d+)/.exec(signed.toString('latin1'))!;
    const start = Number(m[1]) + 1;
    // the end of the DER (the RSA signature value), not the zero padding after it
    const hex = signed.subarray(start, signed.indexOf('>', start, 'latin1')).toString('latin1').replace(/(00)+$/, '');
    const pos = start + hex.length - 20;
    inContents[pos] = inContents[pos] === 0x61 ? 0x62 : 0x61; // a / b: still hex
    expect(await verifyPdf(inContents, lookup(), TODAY)).toMatchObject({ verdict: 'tampered' });

    const appended = Buffer.concat([signed, Buffer.from('\n% appended\n')]);
    expect(await verifyPdf(appended, lookup(), TODAY)).toMatchObject({ verdict: 'tampered', detail: 'byte_range' });
  });

  it('refuses a PDF signed by a certificate motcua does not know, an unsigned PDF, and what is not a PDF', async () => {
    const foreign = selfSigned('Uy ban nhan dan phuong Gia', NOW);
    const forged = await issue(signerFromPem(foreign.keyPem, foreign.certPem, 'Uy ban nhan dan phuong Gia'), serial);
    expect(await verifyPdf(forged, lookup(), TODAY)).toMatchObject({ verdict: 'unknown_signer' });
    const plain = await renderResultPdf({ serial, agencyName: 'X', title: 'Y', dossierCode: 'Z', issuedAt: NOW, validUntil: null, fields: [], verifyUrl: 'http://x' });
    expect(await verifyPdf(plain, lookup(), TODAY)).toMatchObject({ verdict: 'not_signed' });
    expect(await verifyPdf(Buffer.from('GIF89a not a pdf'), lookup(), TODAY)).toMatchObject({ verdict: 'not_a_pdf' });
  });

  it('answers tampered, not a crash, when the signature block holds attributes of a shape it cannot read', async () => {
    // rewrite the signed attributes of our own signature inside the /Contents hole (same length)
    const at = signed.lastIndexOf('/Contents <');
    const start = at + '/Contents <'.length;
    const end = signed.indexOf('>', start);
    const hex = signed.subarray(start, end).toString('latin1');
    const mutated = (mutate: (attrs: forge.asn1.Asn1[]) => void): Buffer => {
      const asn = forge.asn1.fromDer(Buffer.from(hex, 'hex').toString('binary'), { strict: false, parseAllBytes: false } as unknown as boolean);
      const signedData = (asn.value as forge.asn1.Asn1[])[1]!.value[0] as forge.asn1.Asn1;
      const infos = (signedData.value as forge.asn1.Asn1[]).at(-1)!;
      const info = (infos.value as forge.asn1.Asn1[])[0]!;
      const attrs = (info.value as forge.asn1.Asn1[]).find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 0)!;
      mutate(attrs.value as forge.asn1.Asn1[]);
      const out = Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary').toString('hex').padEnd(hex.length, '0');
      expect(out.length).toBe(hex.length);
      return Buffer.concat([signed.subarray(0, start), Buffer.from(out, 'latin1'), signed.subarray(end)]);
    };
    const A = forge.asn1;
    const oid = (o: string) => A.create(A.Class.UNIVERSAL, A.Type.OID, false, A.oidToDer(o).getBytes());
    const cases: ((attrs: forge.asn1.Asn1[]) => void)[] = [
      (attrs) => void attrs.unshift(A.create(A.Class.UNIVERSAL, A.Type.SEQUENCE, true, [oid(forge.pki.oids.messageDigest!)])), // a digest attribute with no value
      (attrs) => void attrs.unshift(A.create(A.Class.UNIVERSAL, A.Type.SEQUENCE, true, [A.create(A.Class.UNIVERSAL, A.Type.SEQUENCE, true, [])])), // no OID
      (attrs) => void attrs.unshift(A.create(A.Class.UNIVERSAL, A.Type.INTEGER, false, '\x01')), // not an attribute at all
    ];
    for (const mutate of cases) expect(await verifyPdf(mutated(mutate), lookup(), TODAY)).toMatchObject({ verdict: 'tampered' });
  });

  it('reports the stored status: revoked, superseded, expired', async () => {
    const base = results.get(serial)!;
    results.set(serial, { ...base, status: 'revoked', statusReason: 'Cấp nhầm' });
    expect((await verifyPdf(signed, lookup(), TODAY)).verdict).toBe('revoked');
    results.set(serial, { ...base, status: 'superseded' });
    expect((await verifyJws(twin, lookup(), TODAY)).verdict).toBe('superseded');
    results.set(serial, { ...base, validUntil: '2026-03-01' });
    expect((await verifyPdf(signed, lookup(), TODAY)).verdict).toBe('expired');
    results.set(serial, base);
  });

  it('pdfsig (poppler) reports the signature valid, signed by the agency', () => {
    const file = path.join(os.tmpdir(), `motcua-result-${serial}.pdf`);
    fs.writeFileSync(file, signed);
    let out: string;
    try {
      out = execFileSync('pdfsig', [file], { encoding: 'utf8' });
    } catch (e) {
      // pdfsig exits non-zero when the certificate is not trusted by the system store: its output still says whether the signature is valid
      out = String((e as { stdout?: string }).stdout ?? '');
    } finally {
      fs.rmSync(file, { force: true });
    }
    expect(out).toContain('Signature #1');
    expect(out).toContain('Uy ban nhan dan phuong Hoang Van Thu');
    expect(out).toContain('Signature Validation: Signature is Valid.');
  });

  it('verifies the JWS twin; refuses an unknown key, a changed payload and garbage', async () => {
    expect(await verifyJws(twin, lookup(), TODAY)).toMatchObject({ verdict: 'valid', serial });
    const foreign = selfSigned('Someone else', NOW);
    const stranger = await signTwin(JSON.parse(Buffer.from(twin.split('.')[1]!, 'base64url').toString()) as TwinPayload, signerFromPem(foreign.keyPem, foreign.certPem, 'Someone else'));
    expect(await verifyJws(stranger, lookup(), TODAY)).toMatchObject({ verdict: 'unknown_key' });
    const [h, p, s] = twin.split('.');
    const changed = JSON.parse(Buffer.from(p!, 'base64url').toString()) as TwinPayload;
    changed.fields.fullName = 'Người khác';
    expect(await verifyJws(`${h}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${s}`, lookup(), TODAY)).toMatchObject({ verdict: 'bad_signature' });
    expect(await verifyJws('not a jws', lookup(), TODAY)).toMatchObject({ verdict: 'malformed' });
  });
  it('uses a configured .p12 of a real CA instead of the demo certificate, and verifies what it signs', async () => {
    const now = NOW;
    const caKeys = forge.pki.rsa.generateKeyPair({ bits: 1024, e: 0x10001 });
    const ca = buildCertificate({ commonName: 'Real Root CA', publicKey: caKeys.publicKey, signingKey: caKeys.privateKey, now, years: 10, ca: true });
    const keys = forge.pki.rsa.generateKeyPair({ bits: 1024, e: 0x10001 });
    const cert = buildCertificate({ commonName: 'So Tu phap Hai Phong', publicKey: keys.publicKey, signingKey: caKeys.privateKey, issuer: ca, now, years: 2, ca: false });
    const p12 = forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert, ca], 'bi-mat', { algorithm: '3des' })).getBytes();
    const dir = path.join(t.env.DATA_DIR!, 'signing-real');
    fs.mkdirSync(path.join(dir, 'agencies'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'agencies', '000.00.02.H31.p12'), Buffer.from(p12, 'binary'));
    const dept = await t.db.selectFrom('agencies').select(['id', 'code', 'name']).where('code', '=', '000.00.02.H31').executeTakeFirstOrThrow();
    const real = await agencySigner(t.db, { dir, p12Passphrase: 'bi-mat' }, dept, now);
    expect(real.fingerprint).toBe(certFingerprint(cert));
    expect(fs.existsSync(path.join(dir, 'ca.pem'))).toBe(false);
    const s2 = newSerial();
    const pdf = await issue(real, s2);
    results.set(s2, { serial: s2, status: 'valid', statusAt: null, statusReason: null, supersededBy: null, validUntil: null, pdfSha256: sha256(pdf), twin: '', certFingerprint: real.fingerprint });
    expect(await verifyPdf(pdf, lookup(), TODAY)).toMatchObject({ verdict: 'valid', serial: s2, signer: { name: 'So Tu phap Hai Phong' } });
  });
});
