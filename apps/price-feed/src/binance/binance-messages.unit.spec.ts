import { binanceStreamUrl, DEFAULT_BINANCE_SYMBOLS, parseBinanceMessage, parseBinanceSymbols } from './binance-messages.js';

describe('the default Binance symbol mapping', () => {
  it('prices BTCUSD, ETHUSD and SOLUSD from the USDT spot markets', () => {
    expect([...parseBinanceSymbols(DEFAULT_BINANCE_SYMBOLS)]).toEqual([
      ['BTCUSDT', 'BTCUSD'],
      ['ETHUSDT', 'ETHUSD'],
      ['SOLUSDT', 'SOLUSD'],
    ]);
  });
});

describe('a BINANCE_SYMBOLS setting', () => {
  it('accepts spaces and either case', () => {
    expect([...parseBinanceSymbols(' btcusd:BTCUSDC , XAUUSD:paxgusdt ')]).toEqual([
      ['BTCUSDC', 'BTCUSD'],
      ['PAXGUSDT', 'XAUUSD'],
    ]);
  });

  it.each([
    ['BTCUSD', /SYMBOL:binancesymbol/],
    ['DOGEUSD:dogeusdt', /DOGEUSD is not an instrument/],
    ['BTCUSD:btcusdt,BTCUSD:btcusdc', /BTCUSD is mapped twice/],
    ['BTCUSD:btcusdt,ETHUSD:btcusdt', /btcusdt is mapped twice/],
    ['BTCUSD:btc-usdt', /SYMBOL:binancesymbol/],
    [' , ', /no symbol mapped/],
  ])('%j is refused with a reason', (text, reason) => {
    expect(() => parseBinanceSymbols(text)).toThrow(reason);
  });
});

describe('the stream URL', () => {
  const symbols = parseBinanceSymbols('BTCUSD:btcusdt,ETHUSD:ethusdt');

  it('names one bookTicker stream per mapped market on the combined-stream endpoint', () => {
    expect(binanceStreamUrl('wss://stream.binance.com:9443/', symbols)).toBe('wss://stream.binance.com:9443/stream?streams=btcusdt@bookTicker/ethusdt@bookTicker');
  });

  it('is taken as it is when BINANCE_WS_URL already names its streams', () => {
    const given = 'ws://127.0.0.1:9000/stream?streams=btcusdt@bookTicker';
    expect(binanceStreamUrl(given, symbols)).toBe(given);
  });
});

describe('a frame from Binance', () => {
  const symbols = parseBinanceSymbols(DEFAULT_BINANCE_SYMBOLS);

  it('in the combined-stream envelope gives our symbol and the decimal strings as sent', () => {
    const frame = '{"stream":"btcusdt@bookTicker","data":{"u":400900217,"s":"BTCUSDT","b":"65010.51000000","B":"0.10000000","a":"65010.52000000","A":"1.50000000"}}';
    expect(parseBinanceMessage(frame, symbols)).toEqual({ kind: 'ticker', ticker: { symbol: 'BTCUSD', updateId: 400900217, bid: '65010.51000000', ask: '65010.52000000' } });
  });

  it('as a raw bookTicker is read the same way', () => {
    const frame = '{"u":1,"s":"SOLUSDT","b":"150.12000000","B":"3","a":"150.13000000","A":"4"}';
    expect(parseBinanceMessage(frame, symbols)).toMatchObject({ kind: 'ticker', ticker: { symbol: 'SOLUSD', bid: '150.12000000' } });
  });

  it('answering a subscription is no price', () => {
    expect(parseBinanceMessage('{"result":null,"id":1}', symbols)).toEqual({ kind: 'other' });
  });

  it.each([
    ['not json', 'not JSON'],
    ['[1,2]', 'not a JSON object'],
    ['{"stream":"bnbusdt@bookTicker","data":{"u":1,"s":"BNBUSDT","b":"1","B":"1","a":"2","A":"1"}}', 'unmapped market BNBUSDT'],
    ['{"u":1,"s":"BTCUSDT","b":65000.1,"B":"1","a":"65000.2","A":"1"}', 'bid and ask must be decimal strings'],
  ])('%s is refused (%s)', (frame, reason) => {
    expect(parseBinanceMessage(frame, symbols)).toEqual({ kind: 'invalid', reason });
  });
});
