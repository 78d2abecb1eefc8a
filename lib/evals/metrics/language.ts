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

function countLetters(text: string, atLeast: number): number {
  let n = 0;
  for (const match of text.matchAll(/\p{L}/gu)) {
    void match;
    if (++n >= atLeast) break;
  }
  return n;
}

/** ISO 639-1 code of the text's language, or null when undetermined. */
export function detectLanguage(text: string, options: LanguageOptions): string | null {
  const sample = text.length > LANGUAGE_MAX_INPUT ? text.slice(0, LANGUAGE_MAX_INPUT) : text;
  if (countLetters(sample, options.minLength) < options.minLength) return null;
  const result = eld.detect(sample);
  return result.language !== "" && result.isReliable() ? result.language : null;
}
