// Where speaking answers are kept. The API stores each upload once it has been checked; the
// transcription worker reads it back by key. Workflows only ever carry the key. The local
// implementation is a directory (shared by API and worker containers through a volume in
// docker-compose.yml); another backend (object storage) implements the same interface.
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

export interface AudioStore {
  /** A local directory for uploads in progress (not yet part of the store). */
  incomingDir(): Promise<string>;
  /** Moves a checked upload into the store under `key`. */
  saveFile(key: string, sourcePath: string): Promise<void>;
  /** Gives `use` a readable local file holding `key`. */
  withLocalFile<T>(key: string, use: (file: string) => Promise<T>): Promise<T>;
  openStream(key: string): Promise<{ stream: Readable; bytes: number }>;
  /** Deletes `key`; a missing key is not an error. */
  remove(key: string): Promise<void>;
}

export class AudioNotFoundError extends Error {
  override name = 'AudioNotFoundError';
}

const keyPattern = /^[a-z0-9][a-z0-9/_-]*\.[a-z0-9]+$/;

export function audioKeyFor(submissionId: string, extension: string): string {
  return `submissions/${submissionId}.${extension}`;
}

export class LocalAudioStore implements AudioStore {
  private readonly incoming: string;

  constructor(private readonly root: string) {
    // Inside the root, so moving an upload into place is a rename on one filesystem.
    this.incoming = path.join(root, '.incoming');
  }

  private pathOf(key: string): string {
    if (!keyPattern.test(key) || key.includes('..')) throw new Error(`invalid audio key: ${key}`);
    return path.join(this.root, key);
  }

  async incomingDir(): Promise<string> {
    await mkdir(this.incoming, { recursive: true });
    return this.incoming;
  }

  async saveFile(key: string, sourcePath: string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    try {
      await rename(sourcePath, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      // Another filesystem: copy, and never leave half a copy under the key.
      await copyFile(sourcePath, target).catch(async (copyError: unknown) => {
        await rm(target, { force: true });
        throw copyError;
      });
      await rm(sourcePath, { force: true });
    }
  }

  async withLocalFile<T>(key: string, use: (file: string) => Promise<T>): Promise<T> {
    const file = this.pathOf(key);
    await stat(file).catch(() => {
      throw new AudioNotFoundError(`no stored audio under ${key}`);
    });
    return use(file);
  }

  async openStream(key: string): Promise<{ stream: Readable; bytes: number }> {
    const file = this.pathOf(key);
    const info = await stat(file).catch(() => {
      throw new AudioNotFoundError(`no stored audio under ${key}`);
    });
    return { stream: createReadStream(file), bytes: info.size };
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}

export function createAudioStore(config: { audio: { storageDir: string } }): AudioStore {
  return new LocalAudioStore(config.audio.storageDir);
}
