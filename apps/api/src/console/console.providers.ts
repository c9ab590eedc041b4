import type { Provider, Type } from '@nestjs/common';
import { AccountDirectory } from './account-directory.js';
import { ConsoleApiController } from './console-api.controller.js';
import { ConsoleAssetsController } from './console-assets.controller.js';

export const CONSOLE_CONTROLLERS: Type<unknown>[] = [ConsoleAssetsController, ConsoleApiController];
export const CONSOLE_PROVIDERS: Provider[] = [AccountDirectory];
