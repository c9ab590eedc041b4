import { closePriceFor, floatingProfit, type PriceBoard } from '../../../../libs/domain/src/index.js';
import type { ClosedOrderView, OpenOrderView } from '../../../../libs/read-models/src/views.js';
import { exposureOf } from '../accounts/accounts.service.js';
import { moneyNumber, priceNumber, volumeNumber } from '../common/render.js';

/** Seed 002's open-order row, priced live from the latest quote. */
export function openOrderRow(order: OpenOrderView, prices: PriceBoard) {
  const quote = prices.quote(order.symbol);
  const profit = quote ? floatingProfit(exposureOf(order), prices) : undefined;
  return {
    orderId: String(order.orderId),
    accountId: String(order.accountId),
    symbol: order.symbol,
    type: order.side,
    quantity: volumeNumber(order.volume),
    leverage: order.leverage,
    openPrice: priceNumber(order.symbol, order.openPrice),
    currentPrice: quote ? priceNumber(order.symbol, closePriceFor(order.side, quote)) : null,
    profit: profit === undefined ? null : moneyNumber(profit),
    margin: moneyNumber(order.margin),
    takeProfit: priceNumber(order.symbol, order.takeProfit),
    stopLoss: priceNumber(order.symbol, order.stopLoss),
    openTime: order.openTime,
    clientId: order.clientId,
    comment: order.comment,
    status: 'OPEN' as const,
  };
}

export function closedOrderRow(order: ClosedOrderView) {
  return {
    orderId: String(order.orderId),
    accountId: String(order.accountId),
    symbol: order.symbol,
    type: order.side,
    quantity: volumeNumber(order.volume),
    leverage: order.leverage,
    openPrice: priceNumber(order.symbol, order.openPrice),
    closePrice: priceNumber(order.symbol, order.closePrice),
    currentPrice: priceNumber(order.symbol, order.closePrice),
    takeProfit: priceNumber(order.symbol, order.takeProfit),
    stopLoss: priceNumber(order.symbol, order.stopLoss),
    openTime: order.openTime,
    closeTime: order.closeTime,
    profit: moneyNumber(order.profit),
    closeReason: order.reason,
    status: 'CLOSED' as const,
  };
}
