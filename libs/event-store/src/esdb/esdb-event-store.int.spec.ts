import { describeEventStoreContract } from '../event-store.contract.js';
import { EsdbEventStore } from './esdb-event-store.js';

/**
 * Runs the shared contract against a real EventStoreDB when EVENTSTORE_URL is set, e.g.
 * EVENTSTORE_URL='esdb://localhost:2113?tls=false'. The server may be shared: every test uses its
 * own randomly named streams.
 */
const url = process.env.EVENTSTORE_URL;

if (url) {
  describeEventStoreContract(
    'EsdbEventStore',
    async () => {
      const store = new EsdbEventStore(url);
      return { store, cleanup: () => store.close() };
    },
    { atomicMultiStream: false },
  );
} else {
  console.warn(
    'SKIPPED: EventStoreDB contract suite — EVENTSTORE_URL is not set, so there is no server to run it against. ' +
      "Set it to an esdb:// connection string (e.g. esdb://localhost:2113?tls=false) to run it.",
  );
  describe('EsdbEventStore', () => {
    it('was not run against EventStoreDB: skipped because EVENTSTORE_URL is unset', () => {
      expect(url).toBeFalsy();
    });
  });
}
