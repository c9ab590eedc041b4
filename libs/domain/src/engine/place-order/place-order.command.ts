import type { Side } from '../../pricing/pricing.js';

/** A market order: fills now at the current quote, or is rejected with a result code. */
export interface PlaceOrder {
  type: 'PlaceOrder';
  commandId: string;
  userId: number;
  accountId: number;
  symbol: string;
  side: Side;
  volume: string;
  /** Per-order leverage; the account's when null. */
  leverage: number | null;
  takeProfit: string | null;
  stopLoss: string | null;
  /**
   * Price protection: the price the client was quoted when the request arrived and the largest
   * distance from it (a price difference) the client accepts. Each dialect converts its own unit
   * (Exness: percent of the quote; MetaApi: points) into this distance.
   */
  slippage: { quotedPrice: string; maxDeviation: string } | null;
  clientId: string | null;
  comment: string | null;
  magic: number | null;
  /** Epoch ms after which the request must not be executed (the caller stopped waiting). */
  deadline: number;
}
