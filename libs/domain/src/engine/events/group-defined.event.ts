/** An account group's trading conditions; defining an existing group replaces its conditions. */
export interface GroupDefined {
  type: 'GroupDefined';
  data: {
    name: string;
    /** Leverage of accounts opened in the group. */
    leverage: number;
    /** Largest per-order leverage the group allows. */
    maxLeverage: number;
    marginCallPercent: string;
    stopOutPercent: string;
    /** Charged per lot when a position opens, in account currency. */
    commissionPerLot: string;
    /** Symbols the group may trade; null for all. */
    symbols: string[] | null;
    /** Whether opposite positions on one symbol may be held at once. */
    hedging: boolean;
    definedAt: string;
  };
}
