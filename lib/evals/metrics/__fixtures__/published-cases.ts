/**
 * Test cases published with the reference libraries themselves, copied with their expected values
 * (which those projects round to the precision shown; each list states the tolerance its own test uses).
 */

/**
 * sacreBLEU, test/test_sentence_bleu.py (github.com/mjpost/sacrebleu): `sentence_bleu(SYS, [REF])` with
 * smooth_method "exp", tokenize "13a", effective order (EPSILON = 1e-3 on the 0–100 scale), and
 * the #141 example whose BLEU is exactly 0.
 */
export const SACREBLEU_SENTENCE_BLEU = [
  {
    hypothesis: "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;",
    reference: "producţia de zahăr brut se exprimă în zahăr alb;",
    score: 8.493,
    tolerance: 1e-3,
  },
  { hypothesis: "this is a cat", reference: "okay thanks", score: 0, tolerance: 1e-3 },
] as const;

/**
 * sacreBLEU, test/test_chrf.py: `test_chrf_sentence_level` — `sentence_chrf(hyp, refs, eps_smoothing=True)`
 * with the defaults (character order 6, word order 0, β = 2); EPSILON = 1e-4 on the 0–100 scale.
 */
export const SACREBLEU_SENTENCE_CHRF = [
  {
    hypothesis: "Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.",
    reference: "Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.",
    score: 39.14078509,
  },
  {
    hypothesis: "Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.",
    reference: "A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.",
    score: 31.22557079,
  },
  {
    hypothesis: "Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.",
    reference: "Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.",
    score: 57.15704367,
  },
] as const;

/**
 * sacreBLEU, test/test_chrf.py: `test_chrf` (eps_smoothing=True) and `test_chrf_eff_order`
 * (eps_smoothing=False), both with β = 3, character order 6, word order 0; the single-segment cases
 * (a one-segment corpus scores as the sentence does). EPSILON = 1e-4 on the 0–100 scale.
 */
export const SACREBLEU_CHRF_BETA3_EPS = [
  ["abcdefg", "hijklmnop", 0.0],
  ["a", "b", 0.0],
  ["", "b", 0.0],
  ["", "ref", 0.0],
  ["", "reference", 0.0],
  ["aa", "ab", 8.3333],
  ["a", "a", 16.6667],
  ["a b c", "a b c", 50.0],
  ["a b c", "abc", 50.0],
  [
    " risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .",
    "risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .",
    63.36173,
  ],
  [
    " Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. ",
    "Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.",
    64.1302698,
  ],
  ["Niemand hat die Absicht, eine Mauer zu errichten", "Niemand hat die Absicht, eine Mauer zu errichten", 100.0],
] as const;

export const SACREBLEU_CHRF_BETA3_EFFECTIVE_ORDER = [
  ["a", "a", 100.0],
  ["", "reference", 0.0],
  ["a b c", "a b c", 100.0],
  ["a b c", "abc", 100.0],
  ["", "c", 0.0],
  ["aa", "ab", 25.0],
] as const;

/**
 * rouge-score, rouge/rouge_scorer_test.py (github.com/google-research/google-research): unit cases
 * (assertAlmostEqual, 7 places) and the cases checked against the official ROUGE-1.5.5 Perl script
 * (5 places) on the first two lines of rouge/testdata/target.txt and prediction.txt, copied below.
 * `score(target, prediction)`: the target is the reference.
 */
export const ROUGE_TARGETS = [
  "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n",
  "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN\n",
] as const;
export const ROUGE_PREDICTIONS = [
  "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n",
  "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD\n",
] as const;

type RougeCase = { type: "rouge1" | "rouge2" | "rougeL"; stemmer: boolean; line: 0 | 1; recall: number; precision: number; fmeasure: number };

export const ROUGE_155_CASES: readonly RougeCase[] = [
  { type: "rouge1", stemmer: false, line: 0, recall: 0.40741, precision: 0.6875, fmeasure: 0.51163 },
  { type: "rouge1", stemmer: false, line: 1, recall: 0.40476, precision: 0.65385, fmeasure: 0.5 },
  { type: "rouge1", stemmer: true, line: 0, recall: 0.40741, precision: 0.6875, fmeasure: 0.51163 },
  { type: "rouge1", stemmer: true, line: 1, recall: 0.42857, precision: 0.69231, fmeasure: 0.52941 },
  { type: "rouge2", stemmer: false, line: 0, recall: 0.30769, precision: 0.53333, fmeasure: 0.39024 },
  { type: "rouge2", stemmer: false, line: 1, recall: 0.29268, precision: 0.48, fmeasure: 0.36364 },
  { type: "rouge2", stemmer: true, line: 0, recall: 0.30769, precision: 0.53333, fmeasure: 0.39024 },
  { type: "rouge2", stemmer: true, line: 1, recall: 0.29268, precision: 0.48, fmeasure: 0.36364 },
  { type: "rougeL", stemmer: false, line: 0, recall: 0.40741, precision: 0.6875, fmeasure: 0.51163 },
  { type: "rougeL", stemmer: false, line: 1, recall: 0.40476, precision: 0.65385, fmeasure: 0.5 },
];

/** rouge_scorer_test.py unit cases: [type, target, prediction, precision, recall, fmeasure]. */
export const ROUGE_UNIT_CASES = [
  ["rouge1", "testing one two", "testing", 1, 1 / 3, 1 / 2],
  ["rouge1", "testing one two", "", 0, 0, 0],
  ["rouge2", "testing one two", "", 0, 0, 0],
  ["rougeL", "testing one two", "", 0, 0, 0],
  ["rouge2", "testing one two", "testing one", 1, 1 / 2, 2 / 3],
  ["rougeL", "testing one two", "testing one", 1, 2 / 3, 4 / 5],
  ["rougeL", "testing one two", "testing two", 1, 2 / 3, 4 / 5],
  ["rouge1", "testing one two", "testing one", 1, 2 / 3, 4 / 5],
] as const;
