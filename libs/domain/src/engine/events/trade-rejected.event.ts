import type { ResultCode } from '../../result-codes.js';

/** A refused trade request, kept for the audit trail: it changes no balance or position. */
export interface TradeRejected {
  type: 'TradeRejected';
  data: {
    accountId: number;
    commandId: string;
    command: string;
    code: ResultCode;
    reason: string;
    rejectedAt: string;
    quote: { bid: string; ask: string; time: string } | null;
  };
}
