// A local SMTP server on loopback (smtp-server) that keeps every message it receives,
// parsed with mailparser, so tests read the real e-mail the app sent.
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface SmtpSink {
  port: number;
  messages: ReceivedMail[];
  waitForMessage(to: string, timeoutMs?: number): Promise<ReceivedMail>;
  /** make the server refuse messages (a mail outage) until set back to false */
  setFailing(failing: boolean): void;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const waiters: { to: string; resolve: (m: ReceivedMail) => void }[] = [];
  let failing = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      if (failing) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('mailbox unavailable (test outage)'), { responseCode: 451 })));
        return;
      }
      simpleParser(stream)
        .then((parsed) => {
          const to = Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(', ') : (parsed.to?.text ?? '');
          const m = { to, subject: parsed.subject ?? '', text: parsed.text ?? '', html: typeof parsed.html === 'string' ? parsed.html : '' };
          messages.push(m);
          for (const w of waiters.splice(0)) {
            if (m.to.includes(w.to)) w.resolve(m);
            else waiters.push(w);
          }
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    messages,
    waitForMessage(to, timeoutMs = 15_000) {
      const found = messages.find((m) => m.to.includes(to));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no e-mail to ${to} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ to, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
    setFailing(f) {
      failing = f;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
