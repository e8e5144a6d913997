import { describe, expect, it } from 'vitest';
import { divideRounded, formatMoney, parseMoney, sumCents } from '../../src/domain/money.js';

describe('money', () => {
  it('parses decimal strings and numbers to exact cents', () => {
    expect(parseMoney('50')).toBe(5000);
    expect(parseMoney('25.5')).toBe(2550);
    expect(parseMoney('0.10')).toBe(10);
    expect(parseMoney(25.5)).toBe(2550);
    expect(parseMoney(' 19.99 ')).toBe(1999);
  });

  it('refuses negatives, three decimals, exponents and junk', () => {
    for (const bad of ['-1', '1.234', '1e3', 'abc', '', '01.5', Number.NaN, Infinity]) expect(parseMoney(bad)).toBeNull();
  });

  it('formats cents with two places', () => {
    expect(formatMoney(5000)).toBe('50.00');
    expect(formatMoney(2550)).toBe('25.50');
    expect(formatMoney(7)).toBe('0.07');
  });

  it('sums without binary-float drift', () => {
    // 0.1 + 0.2 in floats is 0.30000000000000004; in cents it is exact.
    expect(formatMoney(parseMoney('0.1')! + parseMoney('0.2')!)).toBe('0.30');
  });
});

describe('money past 2^53 cents', () => {
  it('formats any BigInt exactly and refuses unsafe doubles rather than print a rounded one', () => {
    expect(formatMoney(98_999_999_999_901_001n)).toBe('989999999999010.01');
    expect(formatMoney(-5n)).toBe('-0.05');
    expect(() => formatMoney(2 ** 53 + 2)).toThrow(RangeError);
  });

  it('sums lines exactly where doubles skip cents', () => {
    const lines = [...Array.from({ length: 99 }, () => ({ quantity: 1000, unitPriceCents: 999_999_999_999 })), { quantity: 1, unitPriceCents: 1 }];
    // The float sum the old code computed is off by a few cents; the BigInt one is not.
    const float = lines.reduce((t, l) => t + l.quantity * l.unitPriceCents, 0);
    expect(float).not.toBe(98_999_999_999_901_001);
    expect(sumCents(lines)).toBe(98_999_999_999_901_001n);
    expect(formatMoney(sumCents(lines))).toBe('989999999999010.01');
  });

  it('divides half up', () => {
    expect(divideRounded(5n, 2n)).toBe(3n);
    expect(divideRounded(4n, 3n)).toBe(1n);
    expect(divideRounded(98_999_999_999_901_001n, 1n)).toBe(98_999_999_999_901_001n);
    expect(divideRounded(7n, 0n)).toBe(0n);
  });
});
