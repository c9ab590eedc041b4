export interface OpenAccount {
  type: 'OpenAccount';
  commandId: string;
  userId: number;
  name: string | null;
  leverage: number | null;
}
