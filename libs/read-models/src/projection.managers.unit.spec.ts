import { project } from './projection.js';

describe('projecting UserRegistered', () => {
  describe('a trader’s event (no role, as every event before managers existed)', () => {
    it('puts the user document in its original shape, without role or groups', () => {
      const ops = project({
        type: 'UserRegistered',
        data: { userId: 1, email: 'ann@example.com', passwordHash: 'h', registeredAt: '2026-03-03T09:00:00.000Z' },
        position: 1,
      });
      expect(ops).toEqual([{ op: 'putUser', user: { userId: 1, email: 'ann@example.com', passwordHash: 'h', registeredAt: '2026-03-03T09:00:00.000Z' } }]);
    });
  });

  describe('a manager’s event', () => {
    it('puts the user document with role manager and its groups', () => {
      const ops = project({
        type: 'UserRegistered',
        data: { userId: 2, email: 'desk@example.com', passwordHash: 'h', registeredAt: '2026-03-03T09:00:00.000Z', role: 'manager', groups: ['vip'] },
        position: 2,
      });
      expect(ops).toEqual([
        {
          op: 'putUser',
          user: { userId: 2, email: 'desk@example.com', passwordHash: 'h', registeredAt: '2026-03-03T09:00:00.000Z', role: 'manager', groups: ['vip'] },
        },
      ]);
    });
  });
});
