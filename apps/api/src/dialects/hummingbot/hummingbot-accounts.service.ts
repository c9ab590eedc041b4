import { Inject, Injectable } from '@nestjs/common';
import type { ReadModelReader } from '../../../../../libs/read-models/src/read-model-store.port.js';
import type { AccountView } from '../../../../../libs/read-models/src/views.js';
import type { Principal } from '../../auth/principal.js';
import { READ_MODELS } from '../../runtime.tokens.js';
import { hbNotFound } from './hummingbot-errors.js';
import { CONNECTOR_NAME } from './trading-pairs.js';

/**
 * Hummingbot names an account by `account_name`: here the name of one of the caller's accounts
 * (`Main` for the first). Should two of a user's accounts share a name, the oldest one answers.
 * Another user's account names are never looked at.
 */
@Injectable()
export class HummingbotAccountsService {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModelReader) {}

  async all(principal: Principal): Promise<AccountView[]> {
    return this.readModels.accountsOfUser(principal.userId);
  }

  async byName(principal: Principal, accountName: string): Promise<AccountView> {
    const account = (await this.all(principal)).find((a) => a.name === accountName);
    if (!account) throw hbNotFound(`Account '${accountName}' not found`);
    return account;
  }

  /** The account and the connector of a request: both must exist for the caller. */
  async resolve(principal: Principal, accountName: string, connectorName: string): Promise<AccountView> {
    const account = await this.byName(principal, accountName);
    if (connectorName !== CONNECTOR_NAME) {
      throw hbNotFound(`Connector '${connectorName}' not found for account '${accountName}'. Available connectors: ${CONNECTOR_NAME}`);
    }
    return account;
  }
}
