import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config.js';

describe('the JWT secret of a configuration', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'app-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('without JWT_SECRET, in production too, is generated once per DATA_DIR (48 random bytes, owner-only) and never a constant', () => {
    const first = loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production' });
    const again = loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production' });
    const elsewhere = mkdtempSync(join(tmpdir(), 'app-config-'));
    try {
      const other = loadConfig({ DATA_DIR: elsewhere, NODE_ENV: 'production' });
      expect(other.jwtSecret).not.toBe(first.jwtSecret);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
    expect(Buffer.from(first.jwtSecret, 'base64url')).toHaveLength(48);
    expect(again.jwtSecret).toBe(first.jwtSecret);
    expect(readFileSync(join(dataDir, 'jwt-secret'), 'utf8')).toBe(first.jwtSecret);
    expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    // No draft left behind.
    expect(readdirSync(dataDir)).toEqual(['jwt-secret']);
  });

  it('refuses a JWT_SECRET shorter than 32 bytes', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir, JWT_SECRET: 'short' })).toThrow(ConfigError);
  });

  it('takes ENGINE_MAX_QUEUE as a whole number ≥ 1, 10000 by default', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).engineMaxQueue).toBe(10_000);
    expect(loadConfig({ DATA_DIR: dataDir, ENGINE_MAX_QUEUE: '5' }).engineMaxQueue).toBe(5);
    expect(() => loadConfig({ DATA_DIR: dataDir, ENGINE_MAX_QUEUE: '0' })).toThrow(ConfigError);
  });
});
