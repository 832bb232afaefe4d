// Uploaded files for dossiers: PDF, JPEG or PNG only, recognised by their content (not their
// name), within a size limit, never empty. Refused files leave nothing stored.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { fileTypeFromFile } from 'file-type';
import type { Db } from '../db/connect.js';
import { Invalid } from '../lib/errors.js';
import type { BlobStore, StagedFile } from './blob-store.js';

export const ACCEPTED_MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;

export interface Upload {
  id: string;
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
}

/**
 * Stages a file read from a request and checks it: PDF, JPEG or PNG by its content, within
 * `maxBytes`, not empty. A refused file is discarded; the refusal names `field` and calls the file
 * `noun` ("the file", "an attachment"). The caller commits the staged file, or discards it.
 */
export async function stageCheckedFile(store: BlobStore, source: Readable, maxBytes: number, refusal: { field: string; noun: string }): Promise<{ staged: StagedFile; mediaType: string }> {
  const { field, noun } = refusal;
  let staged: StagedFile;
  try {
    staged = await store.stage(source, maxBytes);
  } catch (err) {
    // the client went away mid-upload: nothing was stored
    if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') throw new Invalid('the upload was interrupted', field, undefined, 'upload_interrupted');
    throw err;
  }
  try {
    if (staged.truncated) throw new Invalid(`${noun} is larger than ${Math.floor(maxBytes / 1_048_576)} MB`, field, undefined, 'file_too_large');
    if (staged.size === 0) throw new Invalid(`${noun} is empty`, field, undefined, 'file_empty');
    const detected = await fileTypeFromFile(staged.tempPath);
    if (!detected || !(ACCEPTED_MEDIA_TYPES as readonly string[]).includes(detected.mime)) {
      throw new Invalid(`only PDF, JPEG or PNG files are accepted (this file is ${detected?.mime ?? 'of an unknown type'}, whatever its name)`, field, undefined, 'file_type');
    }
    return { staged, mediaType: detected.mime };
  } catch (err) {
    store.discard(staged);
    throw err;
  }
}

export async function acceptUpload(db: Db, store: BlobStore, ownerId: number, filename: string, source: Readable, maxBytes: number, now: Date): Promise<Upload> {
  const { staged, mediaType } = await stageCheckedFile(store, source, maxBytes, { field: 'file', noun: 'the file' });
  try {
    await store.commit(staged);
    const upload: Upload = { id: randomUUID(), filename: filename.slice(0, 200), mediaType, size: staged.size, sha256: staged.sha256 };
    const at = now.toISOString();
    // one transaction: one commit (one fsync of the log) for both rows
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('blobs').values({ sha256: upload.sha256, size: upload.size, media_type: upload.mediaType, created_at: at }).onConflict((oc) => oc.column('sha256').doNothing()).execute();
      await tx.insertInto('uploads').values({ id: upload.id, owner_account_id: ownerId, sha256: upload.sha256, filename: upload.filename, media_type: upload.mediaType, size: upload.size, created_at: at }).execute();
    });
    return upload;
  } catch (err) {
    store.discard(staged);
    throw err;
  }
}
