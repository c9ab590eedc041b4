import { closed } from '../../testing/trading-fixtures.js';
import { upcast } from './upcast.js';

describe('a PositionClosed written at schema version 1 (before closes carried tags)', () => {
  // The close the fixtures describe, as version 1 wrote it: without the tags.
  const { clientId: _clientId, comment: _comment, ...v1 } = closed({ closePrice: '42500', profit: '499.5', balance: '10499.5' }).data;

  it('reads as the current version with no clientId and no comment, everything else as written', () => {
    expect(upcast('PositionClosed', v1, 1)).toEqual({ type: 'PositionClosed', data: { ...v1, clientId: null, comment: null } });
  });

  it('keeps the tags of a version 2 event', () => {
    const v2 = { ...v1, clientId: 'grid-1', comment: 'exit' };
    expect(upcast('PositionClosed', v2, 2)).toEqual({ type: 'PositionClosed', data: v2 });
  });
});
