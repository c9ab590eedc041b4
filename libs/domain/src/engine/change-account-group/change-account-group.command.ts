export interface ChangeAccountGroup {
  type: 'ChangeAccountGroup';
  commandId: string;
  accountId: number;
  group: string;
}
