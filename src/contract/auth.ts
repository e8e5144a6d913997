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
    errors: ['UNAUTHENTICATED', 'VALIDATION', 'RATE_LIMITED'],
    run: (d, c, i) => d.auth.login(i, c.peer),
  },
] as const satisfies readonly Operation[];
