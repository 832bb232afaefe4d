// Applicant accounts: registration with e-mail verification, login with throttling,
// password reset and change. Each function is one command with its own rules.
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/connect.js';
import { vnDate } from '../lib/dates.js';
import { Forbidden, Invalid, TooManyRequests, Unauthorized } from '../lib/errors.js';
import { enqueueMail } from '../notify/mail-outbox.js';
import { CITIZEN_ID_MESSAGES, checkCitizenId } from './citizen-id.js';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './passwords.js';
import type { RegisterRequest } from './schemas.js';
import {
  clearThrottle, consumeToken, findAccountBy, findAccountByEmail, getThrottle, insertAccount, insertToken, putThrottle,
  revokeAllSessions, sha256, updateAccount,
} from './store.js';
import { isValidTaxCode } from './tax-code.js';

export const VERIFY_TTL_MS = 24 * 3600_000;
export const RESET_TTL_MS = 3600_000;

/** Throttling: per account 5 failures in 15 min lock it for 15 min; per IP 30 failures in 15 min. */
export const THROTTLE = { window: 15 * 60_000, accountFailures: 5, lock: 15 * 60_000, ipFailures: 30 } as const;

export interface MailLinks {
  publicUrl: string;
}

const newToken = () => randomBytes(32).toString('base64url');

function verificationMail(to: string, name: string, link: string) {
  return {
    to,
    subject: 'Xác thực địa chỉ thư điện tử — motcua',
    text:
      `Kính gửi ${name},\n\nĐể hoàn tất đăng ký tài khoản dịch vụ công, vui lòng mở liên kết sau (hiệu lực 24 giờ):\n${link}\n\n` +
      `Nếu bạn không đăng ký, hãy bỏ qua thư này.\n\n— Dear ${name}, open the link above within 24 hours to verify your e-mail address.`,
  };
}

export async function registerApplicant(db: Db, req: RegisterRequest, now: Date, links: MailLinks): Promise<{ id: number | null }> {
  if (req.kind === 'citizen') {
    const problem = checkCitizenId(req.citizenId, req.dateOfBirth, req.gender);
    if (problem) throw new Invalid(CITIZEN_ID_MESSAGES[problem], 'citizenId', undefined, 'invalid_citizen_id');
    if (req.dateOfBirth > vnDate(now)) throw new Invalid('the date of birth is in the future', 'dateOfBirth');
    if (await findAccountBy(db, 'citizen_id', req.citizenId)) throw new Invalid('an account with this citizen ID already exists: log in or reset the password', 'citizenId', undefined, 'citizen_id_taken');
  } else {
    if (!isValidTaxCode(req.taxCode)) throw new Invalid('the tax code check digit is wrong', 'taxCode', undefined, 'invalid_tax_code');
    if (await findAccountBy(db, 'tax_code', req.taxCode)) throw new Invalid('an account with this tax code already exists', 'taxCode', undefined, 'tax_code_taken');
  }
  const existing = await findAccountByEmail(db, req.email);
  if (existing) {
    // Answer as for a new account (no enumeration of e-mail addresses); tell the owner instead.
    await enqueueMail(db, {
      to: existing.email,
      subject: 'Địa chỉ thư của bạn đã có tài khoản — motcua',
      text: `Có người vừa đăng ký tài khoản bằng địa chỉ thư này, nhưng địa chỉ đã có tài khoản. Nếu quên mật khẩu, hãy đặt lại tại ${links.publicUrl}/quen-mat-khau.\n\nSomeone tried to register with this address, which already has an account.`,
    }, now);
    return { id: null };
  }
  const passwordHash = await hashPassword(req.password);
  return db.transaction().execute(async (tx) => {
    const id = await insertAccount(
      tx,
      req.kind === 'citizen'
        ? { kind: 'citizen', email: req.email, passwordHash, fullName: req.fullName, citizenId: req.citizenId, dateOfBirth: req.dateOfBirth, gender: req.gender, phone: req.phone ?? null, address: req.address ?? null }
        : { kind: 'business', email: req.email, passwordHash, fullName: req.fullName, taxCode: req.taxCode, phone: req.phone ?? null, address: req.address ?? null },
      now.toISOString(),
    );
    const token = newToken();
    await insertToken(tx, sha256(token), 'verify_email', id, now, VERIFY_TTL_MS);
    await enqueueMail(tx, verificationMail(req.email.toLowerCase(), req.fullName, `${links.publicUrl}/xac-thuc-email?token=${token}`), now);
    return { id };
  });
}

export async function verifyEmail(db: Db, token: string, now: Date): Promise<void> {
  const accountId = await consumeToken(db, sha256(token), 'verify_email', now);
  if (accountId === undefined) throw new Invalid('this link is invalid, already used or expired', 'token', undefined, 'token_invalid');
  await updateAccount(db, accountId, { email_verified_at: now.toISOString() }, now.toISOString());
}

async function recordFailure(db: Db, key: string, now: Date, lockAfter: number | null): Promise<void> {
  const t = await getThrottle(db, key);
  const inWindow = t && now.getTime() - Date.parse(t.window_started_at) < THROTTLE.window;
  const failures = inWindow ? t.failures + 1 : 1;
  const windowStart = inWindow ? t.window_started_at : now.toISOString();
  const lockedUntil = lockAfter !== null && failures >= lockAfter ? new Date(now.getTime() + THROTTLE.lock).toISOString() : null;
  await putThrottle(db, key, failures, windowStart, lockedUntil);
}

/** Checks credentials under throttling; returns the account id to start a session for. */
export async function authenticate(db: Db, email: string, password: string, ip: string, now: Date): Promise<number> {
  const accountKey = `account:${email.trim().toLowerCase()}`;
  const ipKey = `ip:${ip}`;
  const ipState = await getThrottle(db, ipKey);
  if (ipState && now.getTime() - Date.parse(ipState.window_started_at) < THROTTLE.window && ipState.failures >= THROTTLE.ipFailures) {
    throw new TooManyRequests('too many failed logins from this address; wait 15 minutes', { reason: 'too_many_attempts' });
  }
  const accountState = await getThrottle(db, accountKey);
  if (accountState?.locked_until && accountState.locked_until > now.toISOString()) {
    throw new TooManyRequests(`this account is locked after repeated failed logins until ${accountState.locked_until}`, {
      reason: 'account_locked',
      details: { retryAt: accountState.locked_until },
    });
  }
  const account = await findAccountByEmail(db, email);
  const ok = await verifyPassword(password, account?.password_hash ?? (await DUMMY_HASH_PROMISE));
  if (!account || !ok) {
    await recordFailure(db, accountKey, now, THROTTLE.accountFailures);
    await recordFailure(db, ipKey, now, null);
    throw new Unauthorized('wrong e-mail or password', { reason: 'invalid_credentials' });
  }
  if (account.status !== 'active') throw new Forbidden('this account is disabled', { reason: 'account_disabled' });
  if (account.kind !== 'officer' && account.email_verified_at === null) {
    throw new Forbidden('verify your e-mail address first: open the link we sent you', { reason: 'email_not_verified' });
  }
  await clearThrottle(db, accountKey);
  return account.id;
}

export async function requestPasswordReset(db: Db, email: string, now: Date, links: MailLinks): Promise<void> {
  const account = await findAccountByEmail(db, email);
  if (!account || account.status !== 'active') return; // same answer either way
  const token = newToken();
  await db.transaction().execute(async (tx) => {
    await insertToken(tx, sha256(token), 'reset_password', account.id, now, RESET_TTL_MS);
    await enqueueMail(tx, {
      to: account.email,
      subject: 'Đặt lại mật khẩu — motcua',
      text: `Kính gửi ${account.full_name},\n\nĐể đặt mật khẩu mới, mở liên kết sau (dùng một lần, hiệu lực 1 giờ):\n${links.publicUrl}/dat-lai-mat-khau?token=${token}\n\nNếu bạn không yêu cầu, hãy bỏ qua thư này.\n\n— Open the link above within one hour to choose a new password.`,
    }, now);
  });
}

export async function resetPassword(db: Db, token: string, password: string, now: Date): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (tx) => {
    const accountId = await consumeToken(tx, sha256(token), 'reset_password', now);
    if (accountId === undefined) throw new Invalid('this link is invalid, already used or expired', 'token', undefined, 'token_invalid');
    const at = now.toISOString();
    // following the e-mailed link proves the address
    await updateAccount(tx, accountId, { password_hash: passwordHash, email_verified_at: at }, at);
    await revokeAllSessions(tx, accountId, at);
    const account = await tx.selectFrom('accounts').select('email').where('id', '=', accountId).executeTakeFirstOrThrow();
    await tx.deleteFrom('login_throttle').where('key', '=', `account:${account.email}`).execute();
  });
}

export async function changePassword(db: Db, accountId: number, current: string, next: string, keepSession: string, now: Date): Promise<void> {
  const account = await db.selectFrom('accounts').select(['password_hash']).where('id', '=', accountId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(current, account.password_hash))) throw new Invalid('the current password is wrong', 'currentPassword', undefined, 'invalid_credentials');
  const at = now.toISOString();
  await updateAccount(db, accountId, { password_hash: await hashPassword(next) }, at);
  // other devices must log in again with the new password
  await db.updateTable('sessions').set({ revoked_at: at }).where('account_id', '=', accountId).where('id_hash', '!=', keepSession).where('revoked_at', 'is', null).execute();
}
