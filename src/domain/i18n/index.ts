import { IntlMessageFormat } from 'intl-messageformat';
import { EN, type MessageKey } from './en.js';
import { RU } from './ru.js';

export type { MessageKey };

/**
 * The one message catalogue. The domain and the styles raise errors with a
 * key and arguments, not with finished text; each style renders them in the
 * caller's language (RFC 9110 §12.5.4 `Accept-Language`, negotiated by the
 * runtime) only when it writes the reply, so one DomainError reads right in
 * English for the logs and in Russian for a Russian client.
 */
export const LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

export const CATALOGUE: Record<Language, Record<MessageKey, string>> = { en: EN, ru: RU };

/** An argument: plain text or a number, another message (rendered in the same language), or text that depends on the language. */
export type MessageArg = string | number | Message | ((lang: Language) => string);

export interface Message {
  readonly key: MessageKey;
  readonly args?: Readonly<Record<string, MessageArg>>;
}

/** What errors and field errors carry: a catalogue message, or plain text from code that predates the catalogue (shown as is in every language). */
export type Text = Message | string;

export const msg = (key: MessageKey, args?: Readonly<Record<string, MessageArg>>): Message => (args ? { key, args } : { key });

export const isMessageKey = (value: unknown): value is MessageKey => typeof value === 'string' && Object.hasOwn(EN, value);

export const isLanguage = (value: unknown): value is Language => (LANGUAGES as readonly unknown[]).includes(value);

/** Compiled formats, made on first use; at most keys × languages of them. */
const formats = new Map<string, IntlMessageFormat>();

function format(key: MessageKey, lang: Language): IntlMessageFormat {
  const id = `${lang}\u0000${key}`;
  let f = formats.get(id);
  if (!f) {
    // ignoreTag: messages quote markup such as `<token>` or `<GetUser>` literally.
    f = new IntlMessageFormat(CATALOGUE[lang][key], lang, undefined, { ignoreTag: true });
    formats.set(id, f);
  }
  return f;
}

function arg(value: MessageArg, lang: Language): string | number {
  if (typeof value === 'function') return value(lang);
  if (typeof value === 'object') return render(value, lang);
  return value;
}

/** A message in a language; plain text comes back as it is. */
export function render(text: Text, lang: Language = DEFAULT_LANGUAGE): string {
  if (typeof text === 'string') return text;
  const template = CATALOGUE[lang][text.key];
  if (!text.args && !template.includes('{')) return template;
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(text.args ?? {})) values[name] = arg(value, lang);
  return String(format(text.key, lang).format(values));
}
