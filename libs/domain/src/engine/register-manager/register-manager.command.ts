/**
 * Creates a manager: a user who owns no account and may trade the accounts of its groups through
 * the MT4 manager dialect. Recorded as a `UserRegistered` with `role: 'manager'` and its groups.
 */
export interface RegisterManager {
  type: 'RegisterManager';
  commandId: string;
  email: string;
  /** Already hashed at the edge: the engine never sees a password. */
  passwordHash: string;
  /** Names of the groups whose accounts the manager may trade; each must exist. */
  groups: string[];
}
