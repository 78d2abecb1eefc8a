/**
 * Language identification with franc-min 6.2.0: character-trigram profiles of the 82 languages that
 * have 8 million speakers or more (trained on the Universal Declaration of Human Rights). It answers
 * ISO 639-3 codes (`eng`, `deu`, `cmn`…) and is unreliable on very short texts, so texts with fewer
 * than `minLength` characters, or that franc cannot place, are undetermined (null).
 */
import { franc } from "franc-min";

export type LanguageOptions = { minLength: number };

/** ISO 639-3 code of the text's language, or null when undetermined. */
export function detectLanguage(text: string, options: LanguageOptions): string | null {
  const code = franc(text, { minLength: options.minLength });
  return code === "und" ? null : code;
}
