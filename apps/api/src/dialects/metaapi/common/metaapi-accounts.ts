import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { AccountView } from '../../../../../../libs/read-models/src/views.js';
import { AccountsService } from '../../../accounts/accounts.service.js';
import type { Principal } from '../../../auth/principal.js';
import { notFound } from './metaapi-error.js';

/** The account named in a MetaApi path: the caller's own, else 404 exactly as for one that does not exist. */
@Injectable()
export class MetaApiAccounts {
  constructor(private readonly accounts: AccountsService) {}

  async resolve(principal: Principal, accountId: string): Promise<AccountView> {
    try {
      return await this.accounts.resolve(principal, accountId);
    } catch (error) {
      if (error instanceof HttpException && error.getStatus() === HttpStatus.NOT_FOUND) {
        const shown = accountId.length <= 40 ? accountId : `${accountId.slice(0, 40)}…`;
        throw notFound(`MetaTrader account ${shown} not found`);
      }
      throw error;
    }
  }
}
