/**
 * Language identification with ELD (Efficient Language Detector, `eld` 2.1.0, its "small" n-gram
 * database): 60 languages, ISO 639-1 codes (`en`, `de`, `zh`…), about 30 µs per sentence here.
 * Chosen over franc, which misnames short English and Spanish sentences as Portuguese
 * (language.test.ts holds the sentences). A text is undetermined (null) when it has fewer than
 * `minLength` letters, when ELD finds no language, or when ELD itself calls its answer unreliable.
 * Only the first LANGUAGE_MAX_INPUT characters are read.
 */
import { eld } from "eld/small";

export type LanguageOptions = { minLength: number };

export const LANGUAGE_MAX_INPUT = 600;

const LETTER = /\p{L}/u;

/** The number of letters (Unicode category L code points) in the text, counting stops at `atLeast`. */
function countLetters(text: string, atLeast: number): number {
  let n = 0;
  for (let i = 0; i < text.length && n < atLeast; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) n++;
      continue;
    }
    // A surrogate pair is one code point, tested whole.
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (LETTER.test(pair ? text.slice(i, i + 2) : text[i]!)) n++;
    if (pair) i++;
  }
  return n;
}

/**
 * ELD's answers for the last texts it read: the same text always gets the same answer (its n-gram
 * database is fixed), and prompts repeat (templates, retries, golden questions).
 */
const DETECTED_CACHE_SIZE = 2048;
const detected = new Map<string, string | null>();

/** ISO 639-1 code of the text's language, or null when undetermined. */
export function detectLanguage(text: string, options: LanguageOptions): string | null {
  const sample = text.length > LANGUAGE_MAX_INPUT ? text.slice(0, LANGUAGE_MAX_INPUT) : text;
  if (countLetters(sample, options.minLength) < options.minLength) return null;
  const known = detected.get(sample);
  if (known !== undefined) return known;
  const result = eld.detect(sample);
  const language = result.language !== "" && result.isReliable() ? result.language : null;
  if (detected.size >= DETECTED_CACHE_SIZE) detected.delete(detected.keys().next().value!);
  detected.set(sample, language);
  return language;
}
