import { derivedCommandId, isDerivedCommandId, randomCommandId } from './command-ids.js';

describe('command ids', () => {
  it('derives the same version-8 UUID from the same name, and different ones from different names', () => {
    const id = derivedCommandId('user:1\nkey-42#1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedCommandId('user:1\nkey-42#1')).toBe(id);
    expect(derivedCommandId('user:1\nkey-42#2')).not.toBe(id);
  });

  it('makes random ids time-ordered (version 7), so the log indexes them at its right edge', () => {
    expect(randomCommandId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('tells a derived id from a random one and from any other text', () => {
    expect(isDerivedCommandId(derivedCommandId('a'))).toBe(true);
    for (let i = 0; i < 100; i++) expect(isDerivedCommandId(randomCommandId())).toBe(false);
    expect(isDerivedCommandId('cmd-1')).toBe(false);
    expect(isDerivedCommandId('deposit-00000000000000000000000000008')).toBe(false);
  });
});
