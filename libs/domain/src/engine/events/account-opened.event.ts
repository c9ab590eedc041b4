export interface AccountOpened {
  type: 'AccountOpened';
  data: {
    accountId: number;
    userId: number;
    name: string;
    group: string;
    currency: string;
    leverage: number;
    openedAt: string;
  };
}
