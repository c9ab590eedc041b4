import { mkdirSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { IdSpace } from '../../../../libs/domain/src/index.js';
import type { EngineSnapshot } from './engine-snapshot.js';

/** Where an engine keeps its latest snapshot. */
export interface SnapshotStore {
  /** The stored snapshot as it was written (unchecked), or undefined when there is none. */
  load(): Promise<unknown>;
  /** Replaces the stored snapshot; a crash midway leaves the previous one intact. */
  save(snapshot: EngineSnapshot): Promise<void>;
  /** Where it lives, for log lines. */
  readonly location: string;
}

export const ENGINE_SNAPSHOT_FILE = 'engine-snapshot.json';

/** `engine-snapshot.json` for a single engine; one file per shard when there are several. */
export function snapshotFileFor(dataDir: string, idSpace: IdSpace = { shard: 0, shards: 1 }): string {
  return join(dataDir, idSpace.shards === 1 ? ENGINE_SNAPSHOT_FILE : `engine-snapshot-shard-${idSpace.shard}-of-${idSpace.shards}.json`);
}

/**
 * One JSON file, replaced atomically: the new snapshot is written and fsynced to a temporary file
 * in the same directory, renamed over the old one, and the directory is fsynced, so a reader sees
 * either the previous snapshot or the new one, never half of one.
 */
export class FileSnapshotStore implements SnapshotStore {
  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  get location(): string {
    return this.path;
  }

  async load(): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return JSON.parse(text) as unknown;
  }

  async save(snapshot: EngineSnapshot): Promise<void> {
    const temporary = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.${Date.now()}.tmp`);
    try {
      const file = await open(temporary, 'w', 0o600);
      try {
        await file.writeFile(JSON.stringify(snapshot));
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    // Make the rename itself durable.
    const directory = await open(dirname(this.path), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }
}
