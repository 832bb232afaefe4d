// Complaint attachments: PDF, JPEG or PNG recognised by their content (as dossier uploads are,
// src/documents/uploads.ts), within a size limit, never empty. Files are staged while the
// request is read and moved into the blob store only once the whole complaint is valid; a
// refused complaint leaves no file behind.
import type { Readable } from 'node:stream';
import { fileTypeFromFile } from 'file-type';
import type { BlobStore, StagedFile } from '../documents/blob-store.js';
import { ACCEPTED_MEDIA_TYPES } from '../documents/uploads.js';
import { Invalid } from '../lib/errors.js';
import type { StoredAttachment } from './store.js';

export const MAX_ATTACHMENTS = 3;
export const MAX_ATTACHMENT_BYTES = 5 * 1_048_576;

export interface StagedAttachment {
  staged: StagedFile;
  attachment: StoredAttachment;
}

export async function stageAttachment(store: BlobStore, source: Readable, filename: string, maxBytes = MAX_ATTACHMENT_BYTES): Promise<StagedAttachment> {
  let staged: StagedFile;
  try {
    staged = await store.stage(source, maxBytes);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') throw new Invalid('the upload was interrupted', 'attachments', undefined, 'upload_interrupted');
    throw err;
  }
  try {
    if (staged.truncated) throw new Invalid(`an attachment is larger than ${Math.floor(maxBytes / 1_048_576)} MB`, 'attachments', undefined, 'file_too_large');
    if (staged.size === 0) throw new Invalid('an attachment is empty', 'attachments', undefined, 'file_empty');
    const detected = await fileTypeFromFile(staged.tempPath);
    if (!detected || !(ACCEPTED_MEDIA_TYPES as readonly string[]).includes(detected.mime)) {
      throw new Invalid(`only PDF, JPEG or PNG files are accepted (this file is ${detected?.mime ?? 'of an unknown type'}, whatever its name)`, 'attachments', undefined, 'file_type');
    }
    return { staged, attachment: { sha256: staged.sha256, filename: filename.slice(0, 200) || 'tep-dinh-kem', mediaType: detected.mime, size: staged.size } };
  } catch (err) {
    store.discard(staged);
    throw err;
  }
}
