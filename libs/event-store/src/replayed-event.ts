import type { RecordedEvent, ReplayedEvent } from './event-store.port.js';

/** A recorded event reduced to what a replay reads: for adapters that decode whole events anyway. */
export function replayedOf(recorded: RecordedEvent): ReplayedEvent {
  const { schemaVersion, commandId, outcome } = recorded.metadata;
  return {
    stream: recorded.stream,
    revision: recorded.revision,
    position: recorded.position,
    type: recorded.type,
    data: recorded.data,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : undefined,
    commandId: typeof commandId === 'string' ? commandId : undefined,
    outcomeJson: typeof outcome === 'object' && outcome !== null && !Array.isArray(outcome) ? JSON.stringify(outcome) : undefined,
  };
}
