import type { RegisterManager, RegisterUser } from '../../../domain/src/index.js';
import { shardFor } from './shard-routing.js';

describe('routing a manager registration', () => {
  describe('four engine shards', () => {
    it('sends RegisterManager to the shard RegisterUser would use for the same (normalised) email', () => {
      for (const email of ['desk@example.com', 'Ops.Team@Example.COM ', 'm1@example.org']) {
        const user: RegisterUser = { type: 'RegisterUser', commandId: 'c1', email, passwordHash: 'h', initialBalance: '0' };
        const manager: RegisterManager = { type: 'RegisterManager', commandId: 'c2', email: email.trim().toUpperCase(), passwordHash: 'h', groups: ['demo'] };
        expect(shardFor(manager, 4)).toBe(shardFor(user, 4));
      }
    });
  });
});
