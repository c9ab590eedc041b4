import { createSecretKey } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AccountsController } from './accounts/accounts.controller.js';
import { AccountsService } from './accounts/accounts.service.js';
import { AdminGuard } from './admin/admin.guard.js';
import { ApplyTicksController } from './admin/apply-ticks/apply-ticks.controller.js';
import { ChangeBalanceController } from './admin/change-balance/change-balance.controller.js';
import { GroupsController } from './admin/groups/groups.controller.js';
import { ManagersController } from './admin/managers/managers.controller.js';
import { AuditAccessGuard } from './audit/audit-access.guard.js';
import { AuditController } from './audit/audit.controller.js';
import { AuditService } from './audit/audit.service.js';
import { CredentialsStrategy } from './auth/credentials.strategy.js';
import { SigninController } from './auth/signin/signin.controller.js';
import { SignoutController } from './auth/signout/signout.controller.js';
import { SignupController } from './auth/signup/signup.controller.js';
import { JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER, TOKEN_TTL_SECONDS, TokenService } from './auth/token.service.js';
import { ApiExceptionFilter } from './common/api-exception.filter.js';
import { EngineGateway } from './common/engine-gateway.service.js';
import { DIALECTS } from './dialects/index.js';
import { CandlesController } from './market/candles.controller.js';
import { MarketController } from './market/market.controller.js';
import { MetaApiCandlesController } from './market/metaapi/metaapi-candles.controller.js';
import { HealthController } from './health/health.controller.js';
import { CONSOLE_CONTROLLERS, CONSOLE_PROVIDERS } from './console/console.providers.js';
import { METRICS_CONTROLLERS, metricsProviders } from './metrics/metrics.providers.js';
import { STREAMING_CONTROLLERS, streamingProviders } from './streaming/streaming.providers.js';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor.js';
import { RateLimits } from './rate-limit/rate-limits.js';
import { UserRateLimitInterceptor } from './rate-limit/user-rate-limit.interceptor.js';
import { APP_CONFIG, CANDLES, ENGINE, EVENTS, HEALTH, IDEMPOTENCY, PRICES, READ_MODELS, SESSIONS, WATERMARK, type ApiRuntime } from './runtime.tokens.js';
import { CloseOrderController } from './trading/close-order/close-order.controller.js';
import { CreateOrderController } from './trading/create-order/create-order.controller.js';
import { CreateOrderHandler } from './trading/create-order/create-order.handler.js';
import { ListClosedOrdersController } from './trading/list-closed-orders/list-closed-orders.controller.js';
import { ListOpenOrdersController } from './trading/list-open-orders/list-open-orders.controller.js';

/** The HTTP API over whichever adapters the deployment chose (embedded or distributed). */
@Module({})
export class ApiModule {
  static forRuntime(runtime: ApiRuntime): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CqrsModule.forRoot(),
        PassportModule,
        JwtModule.register({
          // A KeyObject made once: given a string, jsonwebtoken tries (and fails) to parse it as a
          // public key on every verification, which cost most of the CPU of an order (see bench).
          secret: createSecretKey(Buffer.from(runtime.config.jwtSecret)) as unknown as string,
          signOptions: { algorithm: JWT_ALGORITHM, expiresIn: TOKEN_TTL_SECONDS, issuer: JWT_ISSUER, audience: JWT_AUDIENCE },
          verifyOptions: { algorithms: [JWT_ALGORITHM], issuer: JWT_ISSUER, audience: JWT_AUDIENCE },
        }),
      ],
      controllers: [
        SignupController,
        SigninController,
        SignoutController,
        AccountsController,
        CreateOrderController,
        CloseOrderController,
        ListOpenOrdersController,
        ListClosedOrdersController,
        MarketController,
        CandlesController,
        MetaApiCandlesController,
        ApplyTicksController,
        ChangeBalanceController,
        GroupsController,
        ManagersController,
        AuditController,
        HealthController,
        ...METRICS_CONTROLLERS,
        ...STREAMING_CONTROLLERS,
        ...CONSOLE_CONTROLLERS,
        ...DIALECTS.flatMap((d) => d.controllers),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: runtime.config },
        { provide: ENGINE, useValue: runtime.engine },
        { provide: READ_MODELS, useValue: runtime.readModels },
        { provide: WATERMARK, useValue: runtime.watermark },
        { provide: PRICES, useValue: runtime.prices },
        { provide: HEALTH, useValue: runtime.health },
        { provide: CANDLES, useValue: runtime.candles ?? null },
        { provide: EVENTS, useValue: runtime.events },
        { provide: IDEMPOTENCY, useValue: runtime.idempotency },
        { provide: SESSIONS, useValue: runtime.sessions },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        // Order matters: a request over its user's rate is refused before its idempotency key is claimed.
        { provide: APP_INTERCEPTOR, useClass: UserRateLimitInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        RateLimits,
        TokenService,
        CredentialsStrategy,
        EngineGateway,
        AccountsService,
        AdminGuard,
        AuditAccessGuard,
        AuditService,
        CreateOrderHandler,
        ...metricsProviders(runtime),
        ...streamingProviders(runtime),
        ...CONSOLE_PROVIDERS,
        ...DIALECTS.flatMap((d) => d.providers),
      ],
    };
  }
}
