import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError, ERROR_KINDS } from '../../src/domain/errors.js';
import { CATALOGUE, isMessageKey, LANGUAGES, msg, render, type MessageKey } from '../../src/domain/i18n/index.js';
import { EN } from '../../src/domain/i18n/en.js';
import { validate } from '../../src/domain/validate.js';
import { negotiateLanguage } from '../../src/runtime/language.js';

const KEYS = Object.keys(EN) as MessageKey[];
const CYRILLIC = /[А-Яа-яЁё]/;

/** Argument names a message template uses ({id}, {n, plural, …}), found by the ICU parser itself. */
function argumentsOf(template: string): string[] {
  const names = new Set<string>();
  const walk = (nodes: unknown[]): void => {
    for (const node of nodes as { type: number; value?: string; options?: Record<string, { value: unknown[] }> }[]) {
      if (node.value !== undefined && node.type !== 0 && node.type !== 7) names.add(node.value);
      for (const option of Object.values(node.options ?? {})) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(template, 'en', undefined, { ignoreTag: true }).getAst());
  return [...names].sort();
}

describe('the message catalogue', () => {
  it('has every message in every language, with the same arguments', () => {
    for (const lang of LANGUAGES) {
      for (const key of KEYS) {
        const template = CATALOGUE[lang][key];
        expect(template, `${lang} ${key}`).toEqual(expect.any(String));
        expect(template.trim(), `${lang} ${key}`).not.toBe('');
        expect(argumentsOf(template), `${lang} ${key}`).toEqual(argumentsOf(EN[key]));
      }
      expect(Object.keys(CATALOGUE[lang]).sort(), lang).toEqual([...KEYS].sort());
    }
  });

  it('is really translated: every Russian message has Russian words and differs from the English', () => {
    for (const key of KEYS) {
      expect(CATALOGUE.ru[key], key).toMatch(CYRILLIC);
      expect(CATALOGUE.ru[key], key).not.toBe(EN[key]);
    }
  });

  it('names every error kind in both languages', () => {
    for (const kind of ERROR_KINDS) {
      for (const lang of LANGUAGES) expect(render(msg(`kind.${kind}`), lang), `${lang} ${kind}`).not.toBe('');
    }
    expect(render(msg('kind.NOT_FOUND'), 'ru')).toBe('Не найдено');
  });

  it('renders every message with arguments, and Russian plurals by CLDR category', () => {
    for (const key of KEYS) {
      const args = Object.fromEntries(argumentsOf(EN[key]).map((a) => [a, 2]));
      for (const lang of LANGUAGES) expect(render(msg(key, args), lang), `${lang} ${key}`).not.toMatch(/\{|\}/);
    }
    const length = (min: number) => render(msg('field.minLength', { min }), 'ru');
    expect([1, 2, 5, 21, 22, 25].map(length)).toEqual([
      'должно содержать не меньше 1 символа',
      'должно содержать не меньше 2 символов',
      'должно содержать не меньше 5 символов',
      'должно содержать не меньше 21 символа',
      'должно содержать не меньше 22 символов',
      'должно содержать не меньше 25 символов',
    ]);
    expect(render(msg('field.minLength', { min: 1 }), 'en')).toBe('must be at least 1 character long');
    // Identifiers are not number-formatted: no "999,999" or "999 999".
    expect(render(msg('user.notFound', { id: 999999 }), 'ru')).toBe('Пользователь 999999 не найден');
  });

  it('keeps one error readable in any language: English for logs, the reader\'s on demand', () => {
    const e = new DomainError('CONFLICT', msg('user.conflict'), { fields: [{ field: 'email', message: msg('field.emailTaken') }] });
    expect(e.message).toBe('User conflicts with an existing record');
    expect(e.fields).toEqual([{ field: 'email', message: 'already in use' }]);
    expect(e.in('ru')).toEqual({ message: 'Пользователь конфликтует с существующей записью', fields: [{ field: 'email', message: 'уже используется' }] });
  });
});

describe('every message the domain raises has both languages', () => {
  it('validation: each kind of zod issue the schemas produce becomes a catalogue message', () => {
    const schema = z.strictObject({
      id: z.number().int().positive(),
      name: z.string().trim().min(1).max(5),
      password: z.string().min(8),
      email: z.string().pipe(z.email()),
      role: z.enum(['admin', 'user']),
      items: z.array(z.number()).min(1).max(2),
      flag: z.boolean(),
      when: z.string(),
    });
    let error: DomainError | undefined;
    try {
      validate(schema, { id: 1.5, name: '', password: 'short', email: 'x', role: 'root', items: [], flag: 'yes', extra: 1 });
    } catch (e) {
      error = e as DomainError;
    }
    const en = Object.fromEntries(error!.fields.map((f) => [f.field, f.message]));
    const ru = Object.fromEntries(error!.in('ru').fields.map((f) => [f.field, f.message]));
    expect(en).toEqual({
      id: 'must be an integer',
      name: 'must not be empty',
      password: 'must be at least 8 characters long',
      email: 'must be an email address',
      role: 'must be one of "admin", "user"',
      items: 'must hold at least 1 item',
      flag: 'must be true or false',
      when: 'required',
      extra: 'unknown field',
    });
    expect(ru).toEqual({
      id: 'должно быть целым числом',
      name: 'не должно быть пустым',
      password: 'должно содержать не меньше 8 символов',
      email: 'должно быть адресом электронной почты',
      role: 'должно быть одним из значений: "admin", "user"',
      items: 'должно содержать не меньше 1 элемента',
      flag: 'должно быть true или false',
      when: 'обязательное поле',
      extra: 'неизвестное поле',
    });
    expect(error!.in('ru').message).toMatch(/^Некорректные данные: id: должно быть целым числом; /);
  });

  it('no error in src/ is raised with bare text: every message comes from the catalogue', () => {
    const literal = '[`\'"]';
    const raises = [
      new RegExp(`new DomainError\\(\\s*'[A-Z_]+'\\s*,\\s*${literal}`, 'g'),
      new RegExp(`SoapFault\\.client\\(\\s*'[A-Z_]+'\\s*,\\s*${literal}`, 'g'),
      new RegExp(`new HttpProblem\\(\\s*\\d+\\s*,\\s*${literal}`, 'g'),
      new RegExp(`\\b(invalid|malformed|bad)\\(\\s*[^,()]+,\\s*${literal}`, 'g'),
      new RegExp(`\\b(new EntityError|transportError|requestError|malformed|bad)\\(\\s*${literal}`, 'g'),
    ];
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts') && !path.endsWith('.test.ts')) {
          const text = readFileSync(path, 'utf8');
          const line = (index: number) => `${path}:${text.slice(0, index).split('\n').length}`;
          for (const re of raises) for (const m of text.matchAll(re)) offenders.push(`${line(m.index)}: ${m[0]}`);
          // Field errors ({ field, message }) and custom zod issues carry catalogue keys, never text.
          for (const m of text.matchAll(/\b(?:field:\s*[^,\n]+?|code:\s*'custom'),\s*message:\s*'([^']*)'/g)) {
            if (!isMessageKey(m[1])) offenders.push(`${line(m.index)}: ${m[0]}`);
          }
        }
      }
    };
    walk(new URL('../../src', import.meta.url).pathname);
    expect(offenders).toEqual([]);
  });
});

describe('Accept-Language negotiation', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['ru', 'ru'],
    ['ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7', 'ru'],
    ['en-GB', 'en'],
    ['fr', 'en'],
    ['fr, ru;q=0.5', 'ru'],
    ['en;q=0.1, ru;q=0.9', 'ru'],
    ['ru;q=0', 'en'],
    ['*', 'en'],
    ['RU', 'ru'],
    ['garbage;;;=', 'en'],
  ])('%j → %s', (header, expected) => {
    expect(negotiateLanguage(header)).toBe(expected);
  });
});
