/** The margin level fell to the group's margin-call level (recorded once per episode). */
export interface MarginCallTriggered {
  type: 'MarginCallTriggered';
  data: { accountId: number; marginLevel: string; equity: string; margin: string; at: string };
}

/** The margin level rose back above the margin-call level. */
export interface MarginCallCleared {
  type: 'MarginCallCleared';
  data: { accountId: number; marginLevel: string | null; at: string };
}
