import type { Dialect } from '../dialect.js';
import { Mt4AccessService } from './mt4-access.service.js';
import { Mt4ExceptionFilter } from './mt4-exception.filter.js';
import { Mt4SessionGuard } from './mt4-session.guard.js';
import { OpenTradeController } from './open-trade/open-trade.controller.js';
import { OpenTradeService } from './open-trade/open-trade.service.js';
import { Mt4SignInController } from './sign-in/mt4-sign-in.controller.js';

/** MT4 manager (seed 001): `/sign/in` and `/trade/open`, errors as `{ error: CODE, message }`. */
export const MT4_DIALECT: Dialect = {
  name: 'mt4',
  controllers: [Mt4SignInController, OpenTradeController],
  providers: [Mt4AccessService, Mt4SessionGuard, OpenTradeService],
  errors: { pathPrefixes: ['/sign/', '/trade/'], filter: new Mt4ExceptionFilter() },
};
