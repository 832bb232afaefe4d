// The durable mail outbox against a real SMTP server on loopback, on both engines:
// an outage delays a message but never drops it, and two workers never send one twice.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDb } from '../../test/support/db.js';
import { type SmtpSink, startSmtpSink } from '../../test/support/smtp-sink.js';
import { MailWorker, createTransport, enqueueMail } from './mail-outbox.js';

describe.each(ENGINES)('mail outbox on %s', (engine) => {
  let t: TestDb;
  let sink: SmtpSink;
  let now = Date.parse('2026-03-02T03:00:00Z');
  const clock = () => new Date(now);
  const log = pino({ level: 'silent' });

  beforeAll(async () => {
    t = await freshDatabase(engine);
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.close();
    await t?.dispose();
  });

  it('delivers a queued message through SMTP with Vietnamese text intact', async () => {
    const worker = new MailWorker(t.db, createTransport(`smtp://127.0.0.1:${sink.port}`, 'motcua <no-reply@motcua.invalid>', log), log, clock);
    await enqueueMail(t.db, { to: 'a@example.vn', subject: 'Giấy tiếp nhận hồ sơ', text: 'Kính gửi ông Nguyễn Văn Đức' }, clock());
    expect(await worker.drain()).toBe(1);
    const m = await sink.waitForMessage('a@example.vn');
    expect(m).toMatchObject({ subject: 'Giấy tiếp nhận hồ sơ', text: expect.stringContaining('Kính gửi ông Nguyễn Văn Đức') });
    expect(await worker.drain()).toBe(0);
  });

  it('keeps a message through an outage and sends it once the server is back', async () => {
    const worker = new MailWorker(t.db, createTransport(`smtp://127.0.0.1:${sink.port}`, 'x@motcua.invalid', log), log, clock);
    sink.setFailing(true);
    await enqueueMail(t.db, { to: 'b@example.vn', subject: 'Yêu cầu bổ sung', text: 'nội dung' }, clock());
    expect(await worker.drain()).toBe(0);
    const row = await t.db.selectFrom('mail_outbox').selectAll().where('to_address', '=', 'b@example.vn').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ sent_at: null, attempts: 1 });
    expect(row.last_error).toContain('451');
    sink.setFailing(false);
    expect(await worker.drain()).toBe(0); // not due yet: backoff
    now += 60_000;
    expect(await worker.drain()).toBe(1);
    expect((await sink.waitForMessage('b@example.vn')).subject).toBe('Yêu cầu bổ sung');
  });

  it('an unreachable SMTP server is an outage too', async () => {
    const worker = new MailWorker(t.db, createTransport('smtp://127.0.0.1:1', 'x@motcua.invalid', log), log, clock);
    await enqueueMail(t.db, { to: 'c@example.vn', subject: 's', text: 't' }, clock());
    expect(await worker.drain()).toBe(0);
    const row = await t.db.selectFrom('mail_outbox').select(['sent_at', 'attempts']).where('to_address', '=', 'c@example.vn').executeTakeFirstOrThrow();
    expect(row).toEqual({ sent_at: null, attempts: 1 });
  });

  it('two workers draining together send each message exactly once', async () => {
    const transport = createTransport(`smtp://127.0.0.1:${sink.port}`, 'x@motcua.invalid', log);
    for (let i = 0; i < 20; i++) await enqueueMail(t.db, { to: `many${i}@example.vn`, subject: `thư ${i}`, text: 't' }, clock());
    const before = sink.messages.length;
    const [a, b] = await Promise.all([new MailWorker(t.db, transport, log, clock).drain(), new MailWorker(t.db, transport, log, clock).drain()]);
    expect(a + b).toBe(20);
    const received = sink.messages.slice(before).map((m) => m.to);
    expect(new Set(received).size).toBe(20);
    expect(received).toHaveLength(20);
  });
});
