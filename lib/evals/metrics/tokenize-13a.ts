/**
 * sacreBLEU's default BLEU tokenizer `13a` (sacrebleu/tokenizers/tokenizer_13a.py with
 * tokenizer_re.py, sacreBLEU 2.6.0), equivalent to mteval-v13a.pl as used by WMT.
 */
import { pySplit } from "./python-text";

const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // Language-dependent part (Western languages): symbols and most ASCII punctuation stand alone.
  [/([{-~[-` -&(-+:-@\/])/g, " $1 "],
  // Period and comma unless preceded by a digit…
  [/([^0-9])([.,])/g, "$1 $2 "],
  // …or followed by one.
  [/([.,])([^0-9])/g, " $1 $2"],
  // A dash after a digit.
  [/([0-9])(-)/g, "$1 $2 "],
];

/** Tokenizes one segment; returns the tokens (sacreBLEU joins them with single spaces, then splits). */
export function tokenize13a(line: string): string[] {
  let s = line;
  if (s.includes("<skipped>")) s = s.replaceAll("<skipped>", "");
  if (s.includes("\n")) s = s.replaceAll("-\n", "").replaceAll("\n", " ");
  if (s.includes("&")) s = s.replaceAll("&quot;", '"').replaceAll("&amp;", "&").replaceAll("&lt;", "<").replaceAll("&gt;", ">");
  s = ` ${s} `;
  for (const [pattern, replacement] of RULES) s = s.replace(pattern, replacement);
  return pySplit(s);
}
