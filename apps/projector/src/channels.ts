/** Redis names the projector writes to, shared with the API instances that follow them. */
export const checkpointChannel = (prefix: string) => `${prefix}checkpoint`;
export const eventsStream = (prefix: string) => `${prefix}events`;
