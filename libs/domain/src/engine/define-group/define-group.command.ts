/** An operator defines (or redefines) a group's trading conditions. */
export interface DefineGroup {
  type: 'DefineGroup';
  commandId: string;
  name: string;
  leverage: number;
  maxLeverage: number | null;
  marginCallPercent: string;
  stopOutPercent: string;
  commissionPerLot: string;
  symbols: string[] | null;
  hedging: boolean;
}
