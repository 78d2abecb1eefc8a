/**
 * The Porter stemmer exactly as NLTK's `PorterStemmer()` runs it in its default mode
 * (NLTK_EXTENSIONS; nltk/stem/porter.py, NLTK 3.10), which is what rouge-score applies with
 * `use_stemmer=True`. NLTK's extensions over Porter's 1980 paper: a small table of irregular forms
 * (`dying` → `die`, `skies` → `sky`…), words of one or two letters kept, `ies`/`ied` of four letters
 * → `ie`, `y` → `i` only after a consonant that is not the first letter, `alli`, `fulli` and `logi`
 * rules in step 2, and a two-letter vowel–consonant word counting as cvc.
 * Verified against NLTK's output on the committed word list (__fixtures__/porter-nltk.tsv).
 */

const POOL: ReadonlyMap<string, string> = new Map([
  ["sky", "sky"],
  ["skies", "sky"],
  ["dying", "die"],
  ["lying", "lie"],
  ["tying", "tie"],
  ["news", "news"],
  ["innings", "inning"],
  ["inning", "inning"],
  ["outings", "outing"],
  ["outing", "outing"],
  ["cannings", "canning"],
  ["canning", "canning"],
  ["howe", "howe"],
  ["proceed", "proceed"],
  ["exceed", "exceed"],
  ["succeed", "succeed"],
]);

const isVowel = (ch: string) => ch === "a" || ch === "e" || ch === "i" || ch === "o" || ch === "u";

/** NLTK `_is_consonant`: `y` is a consonant at the start or after a vowel. */
function isConsonant(word: string, index: number): boolean {
  let i = index;
  if (isVowel(word[i]!)) return false;
  if (word[i] === "y") {
    let negate = false;
    while (i > 0 && word[i] === "y") {
      negate = !negate;
      i--;
    }
    return !isVowel(word[i]!) !== negate;
  }
  return true;
}

/** NLTK `_consonant_flags`. */
function consonantFlags(word: string): boolean[] {
  const flags: boolean[] = new Array<boolean>(word.length);
  for (let i = 0; i < word.length; i++) {
    const ch = word[i]!;
    if (isVowel(ch)) flags[i] = false;
    else if (ch === "y") flags[i] = i === 0 ? true : !flags[i - 1];
    else flags[i] = true;
  }
  return flags;
}

/** m in [C](VC)^m[V]: the number of vowel→consonant transitions. */
function measure(stem: string): number {
  const flags = consonantFlags(stem);
  let m = 0;
  for (let i = 1; i < flags.length; i++) if (!flags[i - 1] && flags[i]) m++;
  return m;
}

const positiveMeasure = (stem: string) => measure(stem) > 0;
const measureAbove1 = (stem: string) => measure(stem) > 1;
const containsVowel = (stem: string) => consonantFlags(stem).some((c) => !c);

const endsDoubleConsonant = (word: string) =>
  word.length >= 2 && word[word.length - 1] === word[word.length - 2] && isConsonant(word, word.length - 1);

function endsCvc(word: string): boolean {
  const n = word.length;
  return (
    (n >= 3 &&
      isConsonant(word, n - 3) &&
      !isConsonant(word, n - 2) &&
      isConsonant(word, n - 1) &&
      word[n - 1] !== "w" &&
      word[n - 1] !== "x" &&
      word[n - 1] !== "y") ||
    (n === 2 && !isConsonant(word, 0) && isConsonant(word, 1))
  );
}

type Rule = readonly [suffix: string, replacement: string, condition: ((stem: string) => boolean) | null];

/** NLTK `_apply_rule_list`: the first rule whose suffix matches decides, whether or not its condition holds. */
function applyRules(word: string, rules: readonly Rule[]): string {
  for (const [suffix, replacement, condition] of rules) {
    if (suffix === "*d" && endsDoubleConsonant(word)) {
      const stem = word.slice(0, -2);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
    if (word.endsWith(suffix)) {
      const stem = suffix === "" ? word : word.slice(0, -suffix.length);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
  }
  return word;
}

const STEP1A: readonly Rule[] = [
  ["sses", "ss", null],
  ["ies", "i", null],
  ["ss", "ss", null],
  ["s", "", null],
];

function step1a(word: string): string {
  if (word.endsWith("ies") && word.length === 4) return word.slice(0, -3) + "ie";
  return applyRules(word, STEP1A);
}

function step1b(word: string): string {
  if (word.endsWith("ied")) return word.slice(0, -3) + (word.length === 4 ? "ie" : "i");
  if (word.endsWith("eed")) {
    const stem = word.slice(0, -3);
    return measure(stem) > 0 ? stem + "ee" : word;
  }
  let intermediate: string | null = null;
  for (const suffix of ["ed", "ing"]) {
    if (word.endsWith(suffix)) {
      const stem = word.slice(0, -suffix.length);
      if (containsVowel(stem)) {
        intermediate = stem;
        break;
      }
    }
  }
  if (intermediate === null) return word;
  const last = intermediate[intermediate.length - 1]!;
  return applyRules(intermediate, [
    ["at", "ate", null],
    ["bl", "ble", null],
    ["iz", "ize", null],
    ["*d", last, () => last !== "l" && last !== "s" && last !== "z"],
    ["", "e", (stem) => measure(stem) === 1 && endsCvc(stem)],
  ]);
}

const step1c = (word: string) =>
  applyRules(word, [["y", "i", (stem) => stem.length > 1 && isConsonant(stem, stem.length - 1)]]);

const STEP2_BASE: readonly Rule[] = [
  ["ational", "ate", positiveMeasure],
  ["tional", "tion", positiveMeasure],
  ["enci", "ence", positiveMeasure],
  ["anci", "ance", positiveMeasure],
  ["izer", "ize", positiveMeasure],
  ["bli", "ble", positiveMeasure],
  ["alli", "al", positiveMeasure],
  ["entli", "ent", positiveMeasure],
  ["eli", "e", positiveMeasure],
  ["ousli", "ous", positiveMeasure],
  ["ization", "ize", positiveMeasure],
  ["ation", "ate", positiveMeasure],
  ["ator", "ate", positiveMeasure],
  ["alism", "al", positiveMeasure],
  ["iveness", "ive", positiveMeasure],
  ["fulness", "ful", positiveMeasure],
  ["ousness", "ous", positiveMeasure],
  ["aliti", "al", positiveMeasure],
  ["iviti", "ive", positiveMeasure],
  ["biliti", "ble", positiveMeasure],
  ["fulli", "ful", positiveMeasure],
];

function step2(word: string): string {
  if (word.endsWith("alli") && positiveMeasure(word.slice(0, -4))) return step2(word.slice(0, -4) + "al");
  // NLTK's `logi` rule measures the word without "ogi" (the stem keeps its "l").
  return applyRules(word, [...STEP2_BASE, ["logi", "log", () => positiveMeasure(word.slice(0, -3))]]);
}

const STEP3: readonly Rule[] = [
  ["icate", "ic", positiveMeasure],
  ["ative", "", positiveMeasure],
  ["alize", "al", positiveMeasure],
  ["iciti", "ic", positiveMeasure],
  ["ical", "ic", positiveMeasure],
  ["ful", "", positiveMeasure],
  ["ness", "", positiveMeasure],
];

const STEP4: readonly Rule[] = [
  ["al", "", measureAbove1],
  ["ance", "", measureAbove1],
  ["ence", "", measureAbove1],
  ["er", "", measureAbove1],
  ["ic", "", measureAbove1],
  ["able", "", measureAbove1],
  ["ible", "", measureAbove1],
  ["ant", "", measureAbove1],
  ["ement", "", measureAbove1],
  ["ment", "", measureAbove1],
  ["ent", "", measureAbove1],
  ["ion", "", (stem) => measure(stem) > 1 && (stem.endsWith("s") || stem.endsWith("t"))],
  ["ou", "", measureAbove1],
  ["ism", "", measureAbove1],
  ["ate", "", measureAbove1],
  ["iti", "", measureAbove1],
  ["ous", "", measureAbove1],
  ["ive", "", measureAbove1],
  ["ize", "", measureAbove1],
];

function step5a(word: string): string {
  if (word.endsWith("e")) {
    const stem = word.slice(0, -1);
    const m = measure(stem);
    if (m > 1) return stem;
    if (m === 1 && !endsCvc(stem)) return stem;
  }
  return word;
}

const step5b = (word: string) => applyRules(word, [["ll", "l", () => measure(word.slice(0, -1)) > 1]]);

/** NLTK `PorterStemmer().stem(word)` (lowercases first). */
export function porterStem(word: string): string {
  let stem = word.toLowerCase();
  const irregular = POOL.get(stem);
  if (irregular !== undefined) return irregular;
  if (word.length <= 2) return stem;
  stem = step1a(stem);
  stem = step1b(stem);
  stem = step1c(stem);
  stem = step2(stem);
  stem = applyRules(stem, STEP3);
  stem = applyRules(stem, STEP4);
  stem = step5a(stem);
  return step5b(stem);
}
