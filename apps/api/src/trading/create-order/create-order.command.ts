import type { Principal } from '../../auth/principal.js';
import type { CreateOrderDto } from './create-order.dto.js';

/** An Exness-style market order from a REST client. */
export class CreateOrderCommand {
  constructor(
    readonly principal: Principal,
    readonly body: CreateOrderDto,
    readonly receivedAt: number,
    readonly correlationId: string,
  ) {}
}
