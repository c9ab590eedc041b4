import type { Dialect } from '../dialect.js';
import { MetaApiAccounts } from './common/metaapi-accounts.js';
import { MetaApiEngine } from './common/metaapi-engine.service.js';
import { MetaApiTransportErrors } from './common/metaapi-transport-errors.js';
import { MetaApiAccountInformationController } from './reads/account-information.controller.js';
import { MetaApiCurrentPriceController } from './reads/current-price.controller.js';
import { MetaApiHistoryController } from './reads/history.controller.js';
import { MetaApiOrdersController } from './reads/orders.controller.js';
import { MetaApiPositionsController } from './reads/positions.controller.js';
import { MetaApiTradeController } from './trade/trade.controller.js';
import { MetaApiTradeService } from './trade/trade.service.js';

/**
 * MetaApi (seed 004) under `/users/current/accounts/:accountId/...`: the trade endpoint with every
 * actionType, and the reads a MetaApi client uses. Errors in MetaApi's shape `{id, error, message,
 * details?}`: MetaApiExceptionFilter, scoped to these controllers, and MetaApiTransportErrors for the
 * few errors Fastify raises before a handler runs (malformed JSON).
 */
export const METAAPI_DIALECT: Dialect = {
  name: 'metaapi',
  controllers: [
    MetaApiTradeController,
    MetaApiAccountInformationController,
    MetaApiPositionsController,
    MetaApiOrdersController,
    MetaApiHistoryController,
    MetaApiCurrentPriceController,
  ],
  providers: [MetaApiAccounts, MetaApiEngine, MetaApiTradeService, MetaApiTransportErrors],
};
