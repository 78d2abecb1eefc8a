"""Reference values for lib/evals/metrics, computed by the libraries the metrics are defined by.

Run from the repository root (a throwaway virtualenv is enough; nothing here is a project dependency):

    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install sacrebleu==2.6.0 nltk==3.10.3
    /tmp/ref/bin/python lib/evals/metrics/__fixtures__/generate.py

Writes, next to this file:
  sacrebleu-reference.json  sentence BLEU (sacrebleu.sentence_bleu defaults) and sentence chrF / chrF++
                            (sacrebleu.metrics.CHRF, eps_smoothing True and False) for every case, and
                            NLTK's sentence_bleu where its definition coincides with sacreBLEU's (see below)
  porter-nltk.tsv           word<TAB>NLTK PorterStemmer().stem(word) (default mode NLTK_EXTENSIONS)

NLTK's BLEU equals sacreBLEU's exponential smoothing exactly when both see the same tokens (we give NLTK
sacreBLEU's 13a tokens), NLTK uses SmoothingFunction().method3 (NIST geometric smoothing: the k-th
zero-count order gets 1 / (2^k * total)), the hypothesis has at least 4 tokens (so sacreBLEU's
effective order is the full order 4), and at least one unigram matches (sacreBLEU returns 0 otherwise,
NLTK does not). The script checks that the two agree on those cases and stores NLTK's value too.
"""
import json
import random
from pathlib import Path

import nltk
import sacrebleu
from nltk.stem.porter import PorterStemmer
from nltk.translate.bleu_score import SmoothingFunction
from nltk.translate.bleu_score import sentence_bleu as nltk_sentence_bleu
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]

SENTENCES = [
    "To reset your password, open Settings > Security and click \"Reset password\".",
    "Your invoice for March (#INV-2024-0311) is attached; the total is $1,234.56.",
    "The API rate limit is 1,000 requests per minute per key, and bursts up to 2,000 are allowed.",
    "Run `npm install --save-exact driftline@0.1.0` and restart the server.",
    "SELECT id, name FROM users WHERE created_at >= '2024-01-01' ORDER BY name;",
    "I'm sorry, but I can't help with that request.",
    "Refunds are processed within 5-7 business days after we receive the returned item.",
    "The quick brown fox jumps over the lazy dog.",
    "Our office is open Monday to Friday, 9 a.m. to 5 p.m. (CET).",
    "Upgrade to the Pro plan to get unlimited projects, SSO & audit logs.",
    "Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.",
    "Le mot de passe doit contenir au moins 12 caractères, dont un chiffre.",
    "El pedido número 4521 fue enviado el 3 de mayo y llegará mañana.",
    "Producția de zahăr brut se exprimă în zahăr alb.",
    "这个问题的答案是四十二。",
    "東京の天気は晴れです。",
    "Great job 🎉 — your deployment finished in 42 s!",
    "Error: connection refused (ECONNREFUSED 127.0.0.1:5432); is PostgreSQL running?",
    "Use <code>&lt;br&gt;</code> for a line break &amp; &quot;quotes&quot; for quotes.",
    "The model's p99 latency rose from 850 ms to 1.4 s after the 2024-06-01 release.",
    "Temperatures ranged from -5 to +12 degrees, i.e. a spread of 17 degrees.",
    "Well-known multi-step self-service flows are cost-effective.",
    "A, B, and C are valid; D. E. and F. are not.",
    "You can cancel at any time -\nno questions asked.",
    "  Leading and trailing   spaces\tand tabs  ",
    "Shipping to Canada costs CA$15.00; to the U.K. it costs £12.50.",
    "Version 3.10.4 fixed the bug introduced in 3.10.2.",
    "Please contact support@example.com or call +1 (415) 555-0134.",
    "Paris is the capital of France.",
    "The mitochondria is the powerhouse of the cell.",
]

FILLERS = ["really", "also", "then", "the", "a", "very", "please", "now", "however,", "in short"]
SYNONYMS = {"open": "go to", "click": "press", "attached": "included", "allowed": "permitted",
            "restart": "reboot", "processed": "handled", "quick": "fast", "get": "obtain",
            "capital": "main city", "fixed": "resolved", "costs": "is", "finished": "completed"}


def perturb(rng, sentence):
    words = sentence.split(" ")
    op = rng.randrange(8)
    if op == 0 and len(words) > 3:  # drop a word
        del words[rng.randrange(len(words))]
    elif op == 1 and len(words) > 3:  # swap two neighbours
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    elif op == 2:  # insert a filler
        words.insert(rng.randrange(len(words) + 1), rng.choice(FILLERS))
    elif op == 3:  # synonym
        words = [SYNONYMS.get(w, w) for w in words]
    elif op == 4:  # truncate
        words = words[: max(1, len(words) // 2)]
    elif op == 5:  # case change
        words = [w.upper() if rng.random() < 0.3 else w for w in words]
    elif op == 6:  # punctuation change
        return sentence.rstrip(".!?;") + rng.choice(["", " .", "!", "?", "..."])
    else:  # repeat a phrase
        k = rng.randrange(len(words))
        words = words[: k + 1] + words[k : k + 3] + words[k + 1 :]
    return " ".join(words)


def cases():
    rng = random.Random(20241205)
    out = []
    # Identity, unrelated, empty hypothesis and very short cases.
    for s in SENTENCES:
        out.append((s, [s]))
    for i, s in enumerate(SENTENCES):
        out.append((s, [SENTENCES[(i + 7) % len(SENTENCES)]]))
    out += [("", ["a reference"]), ("one", ["one"]), ("a test", ["a test"]), ("test", ["a test"]),
            ("a little test", ["a test"]), ("okay thanks", ["this is a cat"]), ("this is a cat", ["okay thanks"]),
            ("   ", ["space"]), ("x", ["x y z w v"]), ("1,000.5 -3 4-5 a.b", ["1,000.5 - 3 4 - 5 a . b"])]
    # Perturbations, some with two or three references.
    for _ in range(3):
        for s in SENTENCES:
            hyp = perturb(rng, perturb(rng, s))
            refs = [s]
            if rng.random() < 0.35:
                refs.append(perturb(rng, s))
            if rng.random() < 0.15:
                refs.append(perturb(rng, perturb(rng, s)))
            out.append((hyp, refs))
    return out


def large_cases():
    """Texts with more distinct words or characters than exact numeric n-gram keys allow (the
    implementation then counts with string keys). Rebuilt by the same recipe in ngram.test.ts."""
    words = [f"w{i}" for i in range(10500)]
    chars = [chr(0x4E00 + i) for i in range(600)]
    return {
        "manyWords": (" ".join(words), [" ".join(w for i, w in enumerate(words) if i % 3)]),
        "manyChars": ("".join(chars), ["".join(chars[::2]) + "".join(chars[1::4])]),
    }


def main():
    chrf = {(w, e): CHRF(word_order=w, eps_smoothing=e) for w in (0, 2) for e in (True, False)}
    tok = Tokenizer13a()
    nltk_smooth = SmoothingFunction().method3
    records = []
    nltk_checked = 0
    for hyp, refs in cases():
        bleu = sacrebleu.sentence_bleu(hyp, refs)
        rec = {
            "hypothesis": hyp,
            "references": refs,
            "bleu": bleu.score / 100,
            "chrf": chrf[(0, True)].sentence_score(hyp, refs).score / 100,
            "chrfEffectiveOrder": chrf[(0, False)].sentence_score(hyp, refs).score / 100,
            "chrfPlusPlus": chrf[(2, True)].sentence_score(hyp, refs).score / 100,
            "chrfPlusPlusEffectiveOrder": chrf[(2, False)].sentence_score(hyp, refs).score / 100,
        }
        hyp_tokens = tok(hyp.rstrip()).split()
        ref_tokens = [tok(r.rstrip()).split() for r in refs if r != ""]
        if len(hyp_tokens) >= 4 and bleu.counts[0] > 0:
            value = nltk_sentence_bleu(ref_tokens, hyp_tokens, smoothing_function=nltk_smooth)
            assert abs(value - rec["bleu"]) <= 1e-12 * max(1.0, value), (hyp, refs, value, rec["bleu"])
            rec["nltkBleu"] = value
            nltk_checked += 1
        records.append(rec)
    large = {}
    for name, (hyp, refs) in large_cases().items():
        large[name] = {
            "bleu": sacrebleu.sentence_bleu(hyp, refs).score / 100,
            "chrf": chrf[(0, True)].sentence_score(hyp, refs).score / 100,
            "chrfPlusPlus": chrf[(2, True)].sentence_score(hyp, refs).score / 100,
        }
    doc = {
        "generator": "lib/evals/metrics/__fixtures__/generate.py",
        "large": large,
        "libraries": {"sacrebleu": sacrebleu.__version__, "nltk": nltk.__version__},
        "nltkBleuCases": nltk_checked,
        "cases": records,
    }
    (HERE / "sacrebleu-reference.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")

    # Porter: every 12th word of the bundled model's vocabulary (lowercase GloVe words), plus words that
    # exercise each rule and NLTK extension.
    vocab = json.loads((ROOT / "models/driftline-glove-100d/tokenizer.json").read_text())["model"]["vocab"]
    words = sorted(w for w in vocab if w.isascii() and w.isalpha() and w.islower())
    sample = words[::12]
    extra = ["caresses", "ponies", "ties", "caress", "cats", "feed", "agreed", "plastered", "bled", "motoring",
             "sing", "conflated", "troubled", "sized", "hopping", "tanned", "falling", "hissing", "fizzed",
             "failing", "filing", "happy", "sky", "skies", "dying", "lying", "tying", "news", "innings",
             "outings", "cannings", "howe", "proceed", "exceed", "succeed", "relational", "conditional",
             "rational", "valenci", "hesitanci", "digitizer", "conformabli", "radicalli", "differentli",
             "vileli", "analogousli", "vietnamization", "predication", "operator", "feudalism",
             "decisiveness", "hopefulness", "callousness", "formaliti", "sensitiviti", "sensibiliti",
             "triplicate", "formative", "formalize", "electriciti", "electrical", "hopeful", "goodness",
             "revival", "allowance", "inference", "airliner", "gyroscopic", "adjustable", "defensible",
             "irritant", "replacement", "adjustment", "dependent", "adoption", "homologou", "communism",
             "activate", "angulariti", "homologous", "effective", "bowdlerize", "probate", "rate",
             "cease", "controll", "roll", "generalli", "carefulli", "analogi", "archaeologi", "dies",
             "cried", "tied", "spied", "dry", "by", "say", "enjoy", "ays", "ay", "oy", "yy", "yo"]
    lines = []
    seen = set()
    for w in sample + extra:
        if w in seen:
            continue
        seen.add(w)
        lines.append(f"{w}\t{PorterStemmer().stem(w)}")
    (HERE / "porter-nltk.tsv").write_text(
        f"# NLTK {nltk.__version__} PorterStemmer() (NLTK_EXTENSIONS); generated by generate.py\n" + "\n".join(lines) + "\n"
    )
    print(f"{len(records)} sacreBLEU cases ({nltk_checked} also checked against NLTK), {len(lines)} Porter words")


if __name__ == "__main__":
    main()
