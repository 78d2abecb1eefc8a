/**
 * Python's notion of whitespace and characters, which the reference implementations (sacreBLEU,
 * rouge-score) rely on through `str.split()` and string indexing. JavaScript's `\s` differs:
 * it lacks U+001C–U+001F and U+0085 and adds U+FEFF; and JavaScript indexes UTF-16 code units
 * where Python indexes code points.
 */

/** One run of Python `str.split()` whitespace. */
export const PY_WHITESPACE_RUN = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const PY_WHITESPACE_RUN_G = new RegExp(PY_WHITESPACE_RUN.source, "g");
const PY_TRAILING_WHITESPACE = new RegExp(`${PY_WHITESPACE_RUN.source}$`);

/** Python `s.split()`: split on whitespace runs, no empty strings. */
export function pySplit(s: string): string[] {
  const out = s.split(PY_WHITESPACE_RUN);
  // Leading/trailing whitespace leaves one empty string at either end; nothing else can be empty.
  if (out.length > 0 && out[0] === "") out.shift();
  if (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}

/** Python `s.rstrip()`. */
export const pyRstrip = (s: string): string => s.replace(PY_TRAILING_WHITESPACE, "");

/** Python `"".join(s.split())`: every whitespace character removed. */
export const pyRemoveWhitespace = (s: string): string => s.replace(PY_WHITESPACE_RUN_G, "");

/** Whether the string holds a surrogate pair (a code point outside the Basic Multilingual Plane). */
export function hasAstral(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}
