// Durable e-mail: messages are written to mail_outbox in the transaction that causes them,
// and a worker sends them, retrying with backoff, so a mail outage delays but never drops one.
// Claiming a row is one conditional UPDATE, so several app processes can share the table.
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/types.js';
import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import { PollLoop } from '../lib/poll-loop.js';

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
  private readonly loop: PollLoop;

  constructor(
    private readonly db: Db,
    private readonly transport: MailTransport,
    private readonly log: Pick<Logger, 'warn' | 'error'>,
    private readonly now: () => Date = () => new Date(),
    pollMs = 1000,
  ) {
    this.loop = new PollLoop({ run: () => this.drain(), intervalMs: pollMs, onError: (err) => this.log.error({ err }, 'mail worker failed') });
  }

  start(): void {
    this.loop.start();
  }

  /** Wakes the worker now (after enqueueing) instead of at the next poll. */
  kick(): void {
    this.loop.wake();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /**
   * Sends every message that is due; returns how many were sent. Rows are claimed in batches
   * with one conditional UPDATE … RETURNING (re-checked per row, so two processes never claim
   * the same row), and marked sent in one UPDATE: few commits per batch, not per message.
   */
  async drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      const now = this.now().toISOString();
      const free = (w: ExpressionBuilder<Database, 'mail_outbox'>) => w.or([w('locked_until', 'is', null), w('locked_until', '<', now)]);
      const batch = await this.db
        .updateTable('mail_outbox')
        .set((eb) => ({ locked_until: new Date(Date.parse(now) + LEASE_MS).toISOString(), attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', (eb) =>
          eb.selectFrom('mail_outbox').select('id').where('sent_at', 'is', null).where('next_attempt_at', '<=', now).where(free).orderBy('id').limit(20),
        )
        .where('sent_at', 'is', null)
        .where(free)
        .returningAll()
        .execute();
      if (batch.length === 0) return sent;
      const delivered: number[] = [];
      for (const row of batch.sort((x, y) => x.id - y.id)) {
        try {
          await this.transport.send({ to: row.to_address, subject: row.subject, text: row.text_body, ...(row.html_body ? { html: row.html_body } : {}) });
          delivered.push(row.id);
        } catch (err) {
          const backoff = Math.min(MAX_BACKOFF_MS, 2 ** (row.attempts - 1) * 1000) * (0.5 + Math.random() / 2);
          const reason = err instanceof Error ? err.message : String(err);
          this.log.warn({ mailId: row.id, attempts: row.attempts, err: reason }, 'e-mail not sent; will retry');
          await this.db
            .updateTable('mail_outbox')
            .set({ locked_until: null, last_error: reason.slice(0, 1000), next_attempt_at: new Date(this.now().getTime() + backoff).toISOString() })
            .where('id', '=', row.id)
            .execute();
        }
      }
      if (delivered.length) {
        await this.db.updateTable('mail_outbox').set({ sent_at: this.now().toISOString(), locked_until: null, last_error: null }).where('id', 'in', delivered).execute();
        sent += delivered.length;
      }
    }
  }
}
