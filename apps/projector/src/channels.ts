/** Redis names the projector writes to, shared with the API instances that follow them. */
export const checkpointChannel = (prefix: string) => `${prefix}checkpoint`;
export const eventsStream = (prefix: string) => `${prefix}events`;
/** The engines announce each append to the log here (its last position), so the projector reads it at once. */
export const logAppendedChannel = (prefix: string) => `${prefix}log:appended`;
