import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';

/** Where raw request bodies are archived for audit and replay. A folder by default; S3 later. */
export interface ObjectStore {
  put(key: string, body: Uint8Array | string): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
}

/** Objects as files under one folder; written to a temp name and renamed, so a reader never sees half a file. */
export class FolderObjectStore implements ObjectStore {
  private readonly root: string;
  constructor(root: string) { this.root = resolve(root); }

  private path(key: string): string {
    const p = resolve(join(this.root, key));
    if (!p.startsWith(this.root + sep)) throw new Error(`object key "${key}" escapes the store folder`);
    return p;
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const p = this.path(key);
    await mkdir(dirname(p), { recursive: true });
    const tmp = `${p}.tmp-${process.pid}`;
    await writeFile(tmp, body);
    await rename(tmp, p);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try { return await readFile(this.path(key)); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }
}
