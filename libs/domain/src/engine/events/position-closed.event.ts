import type { Side } from '../../pricing/pricing.js';
import type { QuoteUsed } from './position-opened.event.js';

export type CloseReason = 'MANUAL' | 'PARTIAL' | 'TAKE_PROFIT' | 'STOP_LOSS' | 'STOP_OUT';

export interface PositionClosed {
  type: 'PositionClosed';
  data: {
    accountId: number;
    orderId: number;
    symbol: string;
    side: Side;
    /** Volume closed by this event. */
    volume: string;
    /** Volume still open after it (0 when the position is gone). */
    remainingVolume: string;
    openPrice: string;
    closePrice: string;
    leverage: number;
    takeProfit: string | null;
    stopLoss: string | null;
    openTime: string;
    closeTime: string;
    /** Realized profit in account currency, rounded to the cent. */
    profit: string;
    marginReleased: string;
    /** The balance after the profit was booked. */
    balance: string;
    reason: CloseReason;
    quote: QuoteUsed;
    /**
     * The tags of the close request (MetaApi's POSITION_CLOSE_ID, POSITION_PARTIAL and
     * POSITIONS_CLOSE_SYMBOL take them), shown on the closing deal; null when nobody asked for
     * the close (take profit, stop loss, stop-out). Since schema version 2.
     */
    clientId: string | null;
    comment: string | null;
  };
}
