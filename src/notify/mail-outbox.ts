// Durable e-mail: messages are written to mail_outbox in the transaction that causes them,
// and a worker sends them, retrying with backoff, so a mail outage delays but never drops one.
// Claiming a row is one conditional UPDATE, so several app processes can share the table.
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/types.js';
import type { Kysely, Transaction } from 'kysely';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface MailTransport {
  send(message: MailMessage): Promise<void>;
}

/** SMTP through nodemailer; without a URL, messages are written to the log (development). */
export function createTransport(smtpUrl: string | undefined, from: string, log: Pick<Logger, 'info'>): MailTransport {
  if (!smtpUrl) {
    return {
      send: async (m) => {
        log.info({ mail: { to: m.to, subject: m.subject, text: m.text } }, 'e-mail (no SMTP_URL configured: logged, not sent)');
      },
    };
  }
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    send: async (m) => {
      await transporter.sendMail({ from, to: m.to, subject: m.subject, text: m.text, ...(m.html ? { html: m.html } : {}) });
    },
  };
}

export async function enqueueMail(db: Kysely<Database> | Transaction<Database>, m: MailMessage, now: Date): Promise<void> {
  await db
    .insertInto('mail_outbox')
    .values({ to_address: m.to, subject: m.subject, text_body: m.text, html_body: m.html ?? null, created_at: now.toISOString(), next_attempt_at: now.toISOString() })
    .execute();
}

const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 30 * 60_000;

export class MailWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly transport: MailTransport,
    private readonly log: Pick<Logger, 'warn' | 'error'>,
    private readonly now: () => Date = () => new Date(),
    private readonly pollMs = 1000,
  ) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.drain()
        .then(() => undefined)
        .catch((err: unknown) => this.log.error({ err }, 'mail worker failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.pollMs);
        });
    };
    tick();
  }

  /** Wakes the worker now (after enqueueing) instead of at the next poll. */
  kick(): void {
    if (this.stopped || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Sends every message that is due; returns how many were sent. */
  async drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      const now = this.now();
      const due = await this.db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('sent_at', 'is', null)
        .where('next_attempt_at', '<=', now.toISOString())
        .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', now.toISOString())]))
        .orderBy('id')
        .limit(20)
        .execute();
      if (due.length === 0) return sent;
      for (const row of due) {
        const claimed = await this.db
          .updateTable('mail_outbox')
          .set({ locked_until: new Date(now.getTime() + LEASE_MS).toISOString(), attempts: row.attempts + 1 })
          .where('id', '=', row.id)
          .where('attempts', '=', row.attempts)
          .where('sent_at', 'is', null)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) continue; // another process has it
        try {
          await this.transport.send({ to: row.to_address, subject: row.subject, text: row.text_body, ...(row.html_body ? { html: row.html_body } : {}) });
          await this.db.updateTable('mail_outbox').set({ sent_at: this.now().toISOString(), locked_until: null, last_error: null }).where('id', '=', row.id).execute();
          sent++;
        } catch (err) {
          const backoff = Math.min(MAX_BACKOFF_MS, 2 ** row.attempts * 1000) * (0.5 + Math.random() / 2);
          const reason = err instanceof Error ? err.message : String(err);
          this.log.warn({ mailId: row.id, attempts: row.attempts + 1, err: reason }, 'e-mail not sent; will retry');
          await this.db
            .updateTable('mail_outbox')
            .set({ locked_until: null, last_error: reason.slice(0, 1000), next_attempt_at: new Date(this.now().getTime() + backoff).toISOString() })
            .where('id', '=', row.id)
            .execute();
        }
      }
    }
  }
}
