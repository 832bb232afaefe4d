// Content-addressed file store on disk: blobs/<aa>/<sha256>. A file is written to a temporary
// name, hashed while streaming, fsynced, and renamed into place only once it is accepted,
// so a refused or interrupted upload leaves nothing behind and an acknowledged one survives a crash.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StagedFile {
  tempPath: string;
  sha256: string;
  size: number;
  /** the stream was cut at the size limit */
  truncated: boolean;
}

export class BlobStore {
  constructor(private readonly root: string) {
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
  }

  pathOf(sha256: string): string {
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  /** Streams to a temp file, hashing; stops counting at maxBytes + 1. */
  async stage(source: Readable, maxBytes: number): Promise<StagedFile> {
    const tempPath = path.join(this.root, 'tmp', randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    let truncated = false;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > maxBytes) {
          truncated = true;
          cb(); // drop the rest; the caller refuses the file
          return;
        }
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, fs.createWriteStream(tempPath));
    } catch (err) {
      fs.rmSync(tempPath, { force: true });
      throw err;
    }
    return { tempPath, sha256: hash.digest('hex'), size, truncated };
  }

  /** Moves an accepted staged file into the store (idempotent for identical content). */
  async commit(staged: StagedFile): Promise<void> {
    const target = this.pathOf(staged.sha256);
    // fsync off the event loop (libuv thread pool): other requests go on meanwhile
    const handle = await fs.promises.open(staged.tempPath, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    if (fs.existsSync(target)) await fs.promises.rm(staged.tempPath, { force: true });
    else await fs.promises.rename(staged.tempPath, target);
  }

  discard(staged: StagedFile): void {
    fs.rmSync(staged.tempPath, { force: true });
  }

  read(sha256: string): fs.ReadStream {
    return fs.createReadStream(this.pathOf(sha256));
  }
}
