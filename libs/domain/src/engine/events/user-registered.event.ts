export interface UserRegistered {
  type: 'UserRegistered';
  data: {
    userId: number;
    email: string;
    passwordHash: string;
    registeredAt: string;
    /** Absent for a trader (every event written before managers existed); 'manager' for a manager. */
    role?: 'manager';
    /** A manager's groups: it may trade every account in them. Absent for a trader. */
    groups?: string[];
  };
}
