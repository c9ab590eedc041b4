/** The engine's clock moved on without a tick: pending orders may expire on an idle market. */
export interface AdvanceClock {
  type: 'AdvanceClock';
  commandId: string;
  now: number;
}
