import type { RecordedEvent, ReplayedEvent } from './event-store.port.js';

/** A recorded event reduced to what a replay reads: for adapters that decode whole events anyway. */
export function replayedOf(recorded: RecordedEvent): ReplayedEvent {
  const { schemaVersion, commandId, outcome } = recorded.metadata;
  const carriesOutcome = typeof commandId === 'string' && typeof outcome === 'object' && outcome !== null && !Array.isArray(outcome);
  return {
    stream: recorded.stream,
    revision: recorded.revision,
    position: recorded.position,
    type: recorded.type,
    data: recorded.data,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : undefined,
    commandId: carriesOutcome ? commandId : undefined,
    outcomeJson: carriesOutcome ? JSON.stringify(outcome) : undefined,
  };
}
