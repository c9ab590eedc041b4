import { existsSync } from 'node:fs';
import { storeInTempDir } from '../../../platform/src/testing/store-in-temp-dir.js';
import { describeReadModelStoreContract, seed } from '../read-model-store.contract.js';
import { SqliteReadModelStore } from './sqlite-read-model-store.js';

const sqliteStoreInTempDir = () => storeInTempDir('read-models', (file) => new SqliteReadModelStore(file));

describeReadModelStoreContract('SqliteReadModelStore', async () => sqliteStoreInTempDir());

describe('a new SQLite read-model store', () => {
  let fixture: ReturnType<typeof sqliteStoreInTempDir>;

  beforeEach(() => {
    fixture = sqliteStoreInTempDir();
  });

  afterEach(async () => {
    await fixture.cleanup();
  });

  it('creates its file, parent directory included', async () => {
    expect(existsSync(fixture.file)).toBe(true);
    expect(await fixture.store.checkpoint()).toBe(0);
  });
});

describe('an in-memory SQLite read-model store', () => {
  let store: SqliteReadModelStore;

  beforeEach(() => {
    store = new SqliteReadModelStore(':memory:');
  });

  afterEach(async () => {
    await store.close();
  });

  it('applies and reads without touching the disk', async () => {
    await store.apply(seed, 1);
    expect(await store.checkpoint()).toBe(1);
    expect((await store.account(2))?.balance).toBe('10000');
  });
});

describe('two SQLite stores on the same file', () => {
  let fixture: ReturnType<typeof sqliteStoreInTempDir>;
  let second: SqliteReadModelStore;

  beforeEach(() => {
    fixture = sqliteStoreInTempDir();
    second = new SqliteReadModelStore(fixture.file);
  });

  afterEach(async () => {
    await second.close();
    await fixture.cleanup();
  });

  it('each sees what the other committed', async () => {
    await fixture.store.apply(seed, 1);
    expect(await second.checkpoint()).toBe(1);
    await second.apply([{ op: 'addMargin', accountId: 2, delta: '1.5' }], 2);
    expect((await fixture.store.account(2))?.margin).toBe('1.5');
  });

  it('applies an old position only once, whichever store gets it', async () => {
    await fixture.store.apply(seed, 1);
    await fixture.store.apply([{ op: 'addMargin', accountId: 2, delta: '1' }], 2);
    await second.apply([{ op: 'addMargin', accountId: 2, delta: '1' }], 2);
    expect((await second.account(2))?.margin).toBe('1');
  });
});
