import type { Dialect } from '../dialect.js';
import { HummingbotActiveOrdersController } from './active-orders/active-orders.controller.js';
import { HummingbotCancelOrderController } from './cancel-order/cancel-order.controller.js';
import { HummingbotAccountsService } from './hummingbot-accounts.service.js';
import { HummingbotBasicGuard } from './hummingbot-auth.guard.js';
import { HummingbotExceptionFilter } from './hummingbot-exception.filter.js';
import { PlaceTradeController } from './place-trade/place-trade.controller.js';
import { PlaceTradeService } from './place-trade/place-trade.service.js';
import { HummingbotPositionsController } from './positions/positions.controller.js';

/** Hummingbot API (seed 003): `/trading/...` with Basic auth, decimal strings, FastAPI-style errors. */
export const HUMMINGBOT_DIALECT: Dialect = {
  name: 'hummingbot',
  // Place Trade (`POST /trading/orders`) before the parameterised cancel route.
  controllers: [PlaceTradeController, HummingbotPositionsController, HummingbotActiveOrdersController, HummingbotCancelOrderController],
  providers: [HummingbotAccountsService, HummingbotBasicGuard, PlaceTradeService],
  errors: { pathPrefixes: ['/trading/'], filter: new HummingbotExceptionFilter() },
};
