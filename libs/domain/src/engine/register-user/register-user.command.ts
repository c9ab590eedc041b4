/** Signs a user up: the user, a first account in the default group, and its opening deposit. */
export interface RegisterUser {
  type: 'RegisterUser';
  commandId: string;
  email: string;
  /** Already hashed at the edge: the engine never sees a password. */
  passwordHash: string;
  initialBalance: string;
}
