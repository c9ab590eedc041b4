import type { ReplayedEvent } from '../event-store.port.js';

/** What a replay page is read for: the page after `after`, of at most `limit` events. */
export interface ReplayPageQuery {
  after: number;
  limit: number;
  /** Command ids and outcomes only from this position on (see ReadForReplayOptions). */
  outcomesFrom: number;
}

/**
 * A replay's page: its last position and its events as one JSON text, `[[position, stream, revision, type, data, schemaVersion,
 * commandId, outcome], …]` (both NULL for an empty page). SQLite joins the rows, whose data is JSON
 * already, so the thread that folds them parses one text per page: the reading itself can then run
 * on another thread (see ReplayPrefetcher), and only that text crosses over.
 *
 * The metadata never reaches JavaScript: the schema version comes from its column (from the
 * metadata only for events older than the column); the command id and outcome come from
 * `@outcomesFrom` on, and only for the events indexed by command id (those carrying an outcome), so
 * SQLite parses no other event's metadata. The outcome stays JSON text inside the page (a string),
 * parsed only if a redelivery asks for it. (`'' ||` drops the JSON subtype of `->`, without which
 * json_quote would pass the outcome through as an object instead of quoting it.)
 */
export const REPLAY_PAGE_SQL = `SELECT max(position), '[' || group_concat(
    '[' || position || ',' || json_quote(stream) || ',' || revision || ',' || json_quote(type) || ',' || data || ','
      || json_quote(COALESCE(schema_version, metadata ->> '$.schemaVersion')) || ','
      || CASE WHEN position >= @outcomesFrom AND command_id IS NOT NULL AND json_type(metadata, '$.outcome') = 'object'
           THEN json_quote(command_id) || ',' || json_quote('' || (metadata -> '$.outcome'))
           ELSE 'null,null' END
      || ']',
    ',' ORDER BY position) || ']'
  FROM (SELECT position, stream, revision, type, data, schema_version, command_id, metadata
        FROM events WHERE position > @after ORDER BY position LIMIT @limit)`;

/** A row of REPLAY_PAGE_SQL, read raw. */
export type ReplayPageRow = [last: number | null, page: string | null];

type ReplayRow = [position: number, stream: string, revision: number, type: string, data: Record<string, unknown>, schemaVersion: unknown, commandId: string | null, outcome: string | null];

/** The events of a page REPLAY_PAGE_SQL made (null: an empty page). */
export function decodeReplayPage(page: string | null | undefined): ReplayedEvent[] {
  if (page === null || page === undefined) return [];
  const rows = JSON.parse(page) as ReplayRow[];
  const events = new Array<ReplayedEvent>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const [position, stream, revision, type, data, schemaVersion, commandId, outcome] = rows[i]!;
    events[i] = {
      stream,
      revision,
      position,
      type,
      data,
      schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : undefined,
      commandId: outcome === null ? undefined : commandId!,
      outcomeJson: outcome ?? undefined,
    };
  }
  return events;
}
