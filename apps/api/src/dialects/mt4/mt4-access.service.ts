import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_GROUP } from '../../../../../libs/domain/src/index.js';
import type { ReadModelReader } from '../../../../../libs/read-models/src/read-model-store.port.js';
import type { AccountView } from '../../../../../libs/read-models/src/views.js';
import type { Principal } from '../../auth/principal.js';
import { READ_MODELS } from '../../runtime.tokens.js';
import { Mt4Error, permissionDenied } from './mt4-errors.js';

/** Whom a trade on a login is done for: the account, and the manager acting on it (if any). */
export interface LoginAccess {
  account: AccountView;
  /** The manager's user id when a manager token trades a login of its groups; null for the owner. */
  managerId: number | null;
}

/**
 * The MT4 access types: a user token trades only its own logins; a manager token trades any login
 * of its groups. A login that does not exist is USER_NOT_FOUND, a login the session may not trade
 * PERMISSION_DENIED, a login whose group is unknown GROUP_NOT_FOUND.
 */
@Injectable()
export class Mt4AccessService {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModelReader) {}

  async resolve(principal: Principal, login: number): Promise<LoginAccess> {
    const account = await this.readModels.account(login);
    if (!account) throw new Mt4Error('USER_NOT_FOUND', `Login ${login} does not exist`);
    if (principal.access === 'user') {
      if (account.userId !== principal.userId) throw permissionDenied(`Login ${login} is not one of this session's logins`);
      await this.requireGroup(account);
      return { account, managerId: null };
    }
    const manager = await this.readModels.user(principal.userId);
    if (!manager || manager.role !== 'manager') throw permissionDenied('Wrong access type: this session is not a manager session');
    if (!(manager.groups ?? []).includes(account.group)) {
      throw permissionDenied(`Login ${login} is in group ${account.group}, outside this manager's groups`);
    }
    await this.requireGroup(account);
    return { account, managerId: manager.userId };
  }

  private async requireGroup(account: AccountView): Promise<void> {
    // Group `demo` exists from the start without a definition event; every other group is defined by the admin.
    if (account.group === DEFAULT_GROUP.name || (await this.readModels.group(account.group))) return;
    throw new Mt4Error('GROUP_NOT_FOUND', `Group ${account.group} of login ${account.accountId} not found`);
  }
}
