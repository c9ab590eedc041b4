import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A file-backed store opened in a fresh temporary directory, its file one level down so its parent
 * must be created; `reopen` closes and opens it again on the same file (a restart).
 */
export function storeInTempDir<S extends { close(): Promise<void> }>(name: string, open: (file: string) => S) {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const file = join(dir, 'nested', `${name}.sqlite`);
  let store = open(file);
  return {
    file,
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = open(file);
      return store;
    },
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
