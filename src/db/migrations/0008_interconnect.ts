// Interconnection (#6): the message log (outbox and inbox in one table, every signed message and
// receipt kept), refusals, which agencies other members host, blobs shared with each peer, and
// the remote side of dossiers and tasks (a mirror of another member's dossier, a task held by a peer).
import type { Kysely } from 'kysely';
import { engineOf } from '../connect.js';
import { idColumn } from './helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const engine = engineOf(db);

  await idColumn(db.schema.createTable('interconnect_messages'), engine)
    .addColumn('direction', 'text', (c) => c.notNull()) // out | in
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('peer', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('dossier_ref', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('attachments', 'text', (c) => c.notNull())
    .addColumn('jws', 'text')
    .addColumn('receipt', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('done_at', 'text')
    .addUniqueConstraint('interconnect_messages_direction_message_id', ['direction', 'message_id'])
    .execute();
  await db.schema.createIndex('interconnect_messages_due').on('interconnect_messages').columns(['direction', 'status', 'next_attempt_at']).execute();
  await db.schema.createIndex('interconnect_messages_order').on('interconnect_messages').columns(['direction', 'peer', 'dossier_ref', 'id']).execute();

  await idColumn(db.schema.createTable('interconnect_refusals'), engine)
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('peer', 'text')
    .addColumn('message_id', 'text')
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('receipt', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('interconnect_agency_hosts')
    .addColumn('agency_id', 'integer', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('interconnect_shared_blobs')
    .addColumn('peer', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('interconnect_shared_blobs_pk', ['peer', 'sha256'])
    .execute();

  // a dossier received from another member (a mirror of its dossier) names that member
  await db.schema.alterTable('dossiers').addColumn('origin_member', 'text').execute();
  // a task held by another member, and the other side's reference to it
  await db.schema.alterTable('dossier_tasks').addColumn('remote_member', 'text').execute();
  await db.schema.alterTable('dossier_tasks').addColumn('remote_ref', 'text').execute();
}
