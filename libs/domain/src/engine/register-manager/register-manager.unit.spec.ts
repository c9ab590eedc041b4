// Through the library's public entry point, like the other decider specs.
import { evolve, initialState, type DomainEvent, type GroupDefined, type RegisterManager, type RegisterUser } from '../../index.js';
import { context, given, marketOf } from '../../testing/decider-spec.js';

const NOW = Date.parse('2026-03-03T10:30:00.000Z');
const AT = '2026-03-03T10:30:00.000Z';
const EARLIER = '2026-03-03T09:00:00.000Z';
const ctx = context(marketOf({}), NOW);

const manager = (overrides: Partial<RegisterManager> = {}): RegisterManager => ({
  type: 'RegisterManager',
  commandId: 'cmd-1',
  email: 'desk@example.com',
  passwordHash: 'argon2-hash',
  groups: ['demo'],
  ...overrides,
});

const vipDefined: GroupDefined = {
  type: 'GroupDefined',
  data: {
    name: 'vip',
    leverage: 200,
    maxLeverage: 500,
    marginCallPercent: '100',
    stopOutPercent: '50',
    commissionPerLot: '0',
    symbols: null,
    hedging: true,
    definedAt: EARLIER,
  },
};

const annSignedUp: DomainEvent[] = [
  { type: 'UserRegistered', data: { userId: 1, email: 'ann@example.com', passwordHash: 'argon2-hash', registeredAt: EARLIER } },
  { type: 'AccountOpened', data: { accountId: 100_001, userId: 1, name: 'Main', group: 'demo', currency: 'USD', leverage: 100, openedAt: EARLIER } },
];

describe('RegisterManager', () => {
  describe('an engine with group vip defined and user 1 signed up', () => {
    it('registers manager 2 as a UserRegistered with role manager and its groups, and opens no account', () => {
      given([vipDefined, ...annSignedUp])
        .when(manager({ email: ' Desk@Example.COM ', groups: ['vip', 'demo'] }), ctx)
        .then([
          {
            type: 'UserRegistered',
            data: { userId: 2, email: 'desk@example.com', passwordHash: 'argon2-hash', registeredAt: AT, role: 'manager', groups: ['vip', 'demo'] },
          },
        ])
        .thenOutcome({ code: 'TRADE_RETCODE_DONE', userId: 2 });
    });

    it('records a group named twice once', () => {
      given([vipDefined])
        .when(manager({ groups: ['vip', 'vip'] }), ctx)
        .then([
          { type: 'UserRegistered', data: { userId: 1, email: 'desk@example.com', passwordHash: 'argon2-hash', registeredAt: AT, role: 'manager', groups: ['vip'] } },
        ]);
    });

    it('refuses an email a user already has, without a trace', () => {
      given([vipDefined, ...annSignedUp])
        .when(manager({ email: 'ANN@example.com' }), ctx)
        .then([])
        .thenOutcome({ code: 'TRADE_RETCODE_REJECT', reason: 'EMAIL_TAKEN' });
    });

    it('refuses a group that is not defined (gold), without a trace', () => {
      given([vipDefined])
        .when(manager({ groups: ['vip', 'gold'] }), ctx)
        .then([])
        .thenOutcome({ code: 'TRADE_RETCODE_INVALID', reason: 'GROUP_NOT_FOUND' });
    });

    it('refuses an empty list of groups', () => {
      given([vipDefined]).when(manager({ groups: [] }), ctx).then([]).thenOutcome({ code: 'TRADE_RETCODE_INVALID', reason: 'NO_GROUPS' });
    });
  });

  describe('an engine where manager 1 was registered', () => {
    const registered: DomainEvent = {
      type: 'UserRegistered',
      data: { userId: 1, email: 'desk@example.com', passwordHash: 'argon2-hash', registeredAt: EARLIER, role: 'manager', groups: ['demo'] },
    };

    it('knows the manager by email and user id, with no account', () => {
      const state = evolve(initialState(), registered);
      expect(state.usersByEmail.get('desk@example.com')).toBe(1);
      expect(state.users.get(1)).toEqual({ userId: 1, email: 'desk@example.com', accountIds: [] });
      expect(state.accounts.size).toBe(0);
    });

    it('refuses a user sign-up with the manager’s email', () => {
      const signup: RegisterUser = { type: 'RegisterUser', commandId: 'cmd-2', email: 'desk@example.com', passwordHash: 'h', initialBalance: '10000' };
      given([registered]).when(signup, ctx).then([]).thenOutcome({ reason: 'EMAIL_TAKEN' });
    });

    it('gives the next user id 2 to the next sign-up', () => {
      const signup: RegisterUser = { type: 'RegisterUser', commandId: 'cmd-2', email: 'bob@example.com', passwordHash: 'h', initialBalance: '0' };
      given([registered]).when(signup, ctx).thenOutcome({ code: 'TRADE_RETCODE_DONE', userId: 2 });
    });
  });
});
