const STOPWORDS = new Set(
  ("the and for you your with that this are was were have has had not but can could would should how what when where why who " +
    "which from into about there their them they our ours its it's i'm i've please thanks thank does did doing just get got " +
    "will shall may might must any some all more most other such than then too very also only own same out off over under again " +
    "further once here both each few nor yes can't don't won't is am be been being do of to in on at by or an a it me my we us he she his her").split(" "),
);

/** Lower-case word tokens of three or more letters or digits, without stop words. */
export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? []).filter((w) => w.length >= 3 && !STOPWORDS.has(w));
}

/**
 * Distinctive terms of each group of texts against the others: class-based
 * TF-IDF (as BERTopic's c-TF-IDF) — a term's frequency in the group times
 * log(1 + A / f), with A the average number of words per group and f the
 * term's frequency over all groups. Returns the top `top` terms per group.
 */
export function distinctiveTerms(groups: readonly (readonly string[])[], top = 5): string[][] {
  const counts = groups.map((texts) => {
    const m = new Map<string, number>();
    for (const t of texts) for (const w of tokenize(t)) m.set(w, (m.get(w) ?? 0) + 1);
    return m;
  });
  const total = new Map<string, number>();
  let words = 0;
  for (const m of counts)
    for (const [w, c] of m) {
      total.set(w, (total.get(w) ?? 0) + c);
      words += c;
    }
  const avg = words / Math.max(1, groups.length);
  return counts.map((m) => {
    const size = [...m.values()].reduce((s, c) => s + c, 0) || 1;
    return [...m.entries()]
      .map(([w, c]) => [w, (c / size) * Math.log(1 + avg / total.get(w)!)] as const)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, top)
      .map(([w]) => w);
  });
}
