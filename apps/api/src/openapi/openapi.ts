import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** Where the documentation is served: Swagger UI at `/docs`, the OpenAPI JSON at `/docs-json`. */
export const DOCS_PATH = 'docs';

/** The OpenAPI document of every dialect, built from the controllers' and DTOs' decorators. */
export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Tradestream')
    .setDescription(
      'Event-sourced trading backend. One engine, several dialects over the same commands and read models: ' +
        '`/api/v1` (Exness-style, seeds 000/002), MetaApi (seed 004), MT4 manager (seed 001), Hummingbot (seed 003). ' +
        'A state-changing answer is sent once the read models show the change.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The token from POST /api/v1/user/signin' }, 'bearer')
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'The user’s email and password (Hummingbot)' }, 'basic')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization', description: 'MT4: the raw session JWT from POST /sign/in, no scheme' }, 'mt4-session')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'auth-token', description: 'MetaApi: the JWT in the auth-token header' }, 'auth-token')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-admin-token', description: 'Admin endpoints: the ADMIN_TOKEN' }, 'admin')
    .addTag('Users and accounts', 'Sign-up, sign-in (users and managers) and accounts (/api/v1)')
    .addTag('Trading (/api/v1)', 'Exness-style trading, seeds 000 and 002')
    .addTag('MT4 manager', 'Seed 001: /sign/in and /trade/open, errors as { error: CODE, message }')
    .addTag('Hummingbot', 'Seed 003: /trading/..., HTTP Basic, decimal strings, FastAPI-style errors')
    .addTag('Market data')
    .addTag('Admin')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Serves Swagger UI at `/docs` and the document at `/docs-json`; call before the app listens. */
export function setupOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, () => openApiDocument(app), { jsonDocumentUrl: `${DOCS_PATH}-json`, customSiteTitle: 'Tradestream API' });
}
