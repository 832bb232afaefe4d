// Complaint attachments: PDF, JPEG or PNG recognised by their content (as dossier uploads are,
// src/documents/uploads.ts), within a size limit, never empty. Files are staged while the
// request is read and moved into the blob store only once the whole complaint is valid; a
// refused complaint leaves no file behind.
import type { Readable } from 'node:stream';
import type { BlobStore, StagedFile } from '../documents/blob-store.js';
import { stageCheckedFile } from '../documents/uploads.js';
import type { StoredAttachment } from './store.js';

export const MAX_ATTACHMENTS = 3;
export const MAX_ATTACHMENT_BYTES = 5 * 1_048_576;

export interface StagedAttachment {
  staged: StagedFile;
  attachment: StoredAttachment;
}

export async function stageAttachment(store: BlobStore, source: Readable, filename: string, maxBytes = MAX_ATTACHMENT_BYTES): Promise<StagedAttachment> {
  const { staged, mediaType } = await stageCheckedFile(store, source, maxBytes, { field: 'attachments', noun: 'an attachment' });
  return { staged, attachment: { sha256: staged.sha256, filename: filename.slice(0, 200) || 'tep-dinh-kem', mediaType, size: staged.size } };
}
