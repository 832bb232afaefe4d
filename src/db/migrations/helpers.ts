import type { CreateTableBuilder } from 'kysely';
import type { Engine } from '../connect.js';

/** An auto-incrementing integer primary key named id, on either engine. */
export function idColumn<T extends string>(table: CreateTableBuilder<T, never>, engine: Engine): CreateTableBuilder<T, 'id'> {
  return engine === 'postgres'
    ? table.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
