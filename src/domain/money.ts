import { z } from 'zod';

/**
 * Money is held as integer cents and written as a decimal string ("50.00"),
 * so no binary float ever takes part in a total. One price (at most
 * 9 999 999 999.99, below 2^53 cents) is a safe integer, but a total is
 * not: 100 lines × 1000 units of it reach 10^17 cents, past 2^53 ≈ 9·10^15,
 * where doubles skip odd cents. Totals are therefore summed as BigInt
 * (sumCents) and formatted from it, exact at any size.
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

/** Integer cents (a safe integer or any BigInt) as "1234.50". */
export function formatMoney(cents: number | bigint): string {
  if (typeof cents === 'number' && !Number.isSafeInteger(cents)) throw new RangeError(`not a safe integer of cents: ${cents}`);
  const big = BigInt(cents);
  const abs = big < 0n ? -big : big;
  return `${big < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** Σ quantity × unit price, exactly. */
export function sumCents(lines: Iterable<{ quantity: number; unitPriceCents: number }>): bigint {
  let total = 0n;
  for (const l of lines) total += BigInt(l.quantity) * BigInt(l.unitPriceCents);
  return total;
}

/** numerator / denominator rounded half up, for non-negative amounts (an average order value). */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) return 0n;
  return (numerator * 2n + denominator) / (denominator * 2n);
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
