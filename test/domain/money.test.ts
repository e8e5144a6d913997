import { describe, expect, it } from 'vitest';
import { formatMoney, parseMoney } from '../../src/domain/money.js';

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
