import { z } from 'zod';

/**
 * Money is held as integer cents and written as a decimal string ("50.00"),
 * so no binary float ever takes part in a total.
 */
const MONEY_PATTERN = /^(0|[1-9]\d{0,9})(\.\d{1,2})?$/;

export function parseMoney(value: string | number): number | null {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  const m = MONEY_PATTERN.exec(text);
  if (!m) return null;
  const whole = Number(m[1]);
  const frac = (m[2] ?? '.').slice(1).padEnd(2, '0');
  return whole * 100 + Number(frac);
}

export function formatMoney(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Input: a non-negative decimal with at most two places, as string or number. */
export const moneyInput = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const cents = parseMoney(v);
    if (cents === null) {
      ctx.addIssue({ code: 'custom', message: 'field.money' });
      return z.NEVER;
    }
    return cents;
  });

export const moneyOutput = z
  .string()
  .regex(/^\d+\.\d{2}$/)
  .meta({ description: 'Decimal amount with two fractional digits, e.g. "50.00"', examples: ['50.00'] });
