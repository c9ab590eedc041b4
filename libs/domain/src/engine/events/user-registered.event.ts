export interface UserRegistered {
  type: 'UserRegistered';
  data: { userId: number; email: string; passwordHash: string; registeredAt: string };
}
