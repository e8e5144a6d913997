import * as s from '../domain/auth/schemas.js';
import type { Operation } from './operation.js';

export const AUTH_OPERATIONS = [
  {
    name: 'login',
    summary: 'Exchange a username (email, or "admin") and password for a bearer token',
    kind: 'mutation',
    access: 'public',
    input: s.loginIn,
    output: s.tokenOut,
    // RATE_LIMITED (failed-login throttle, busy password pool) is a limit like the call rates, which no operation lists.
    errors: ['UNAUTHENTICATED', 'VALIDATION'],
    run: (d, c, i) => d.auth.login(i, c.peer),
  },
] as const satisfies readonly Operation[];
