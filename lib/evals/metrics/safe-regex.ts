/**
 * User-written regular expressions, run safely. JavaScript's engine backtracks, so a pattern such as
 * `(a+)+$` can take exponential time on a crafted response. Three limits, in order:
 *  1. the pattern is at most REGEX_MAX_PATTERN_LENGTH characters and must compile;
 *  2. patterns with nested unbounded quantifiers (star height > 1, the shape of exponential
 *     backtracking; checked by safe-regex2) are refused when the settings are saved;
 *  3. a match reads at most the first REGEX_MAX_INPUT_LENGTH characters. A pattern without
 *     unbounded quantifiers (`*`, `+`, `{n,}`) or backreferences cannot backtrack beyond
 *     (input length × pattern length) steps and runs directly; any other pattern runs under a
 *     REGEX_TIMEOUT_MS time limit (node:vm interrupts the engine), for the polynomial cases the
 *     static check cannot see (`a*a*a*b`), and a match that runs out of time is reported, not
 *     guessed. The time limit costs about 75 µs a match (a watchdog thread), so prefer bounded
 *     quantifiers such as `\d{1,6}`.
 */
import vm from "node:vm";
import safeRegex from "safe-regex2";

export const REGEX_MAX_PATTERN_LENGTH = 500;
export const REGEX_MAX_INPUT_LENGTH = 20_000;
export const REGEX_TIMEOUT_MS = 25;

/** Why the pattern cannot be used, or null when it can. */
export function regexProblem(pattern: string, flags = ""): string | null {
  if (pattern.length > REGEX_MAX_PATTERN_LENGTH) return `pattern is longer than ${REGEX_MAX_PATTERN_LENGTH} characters`;
  let re: RegExp;
  try {
    re = new RegExp(pattern, flags);
  } catch (error) {
    return `not a valid regular expression: ${(error as Error).message}`;
  }
  if (!safeRegex(re)) return "pattern nests unbounded quantifiers (such as (a+)+), which can take exponential time; rewrite it without nesting";
  return null;
}

export type SafeRegex = {
  /** true / false, or null when the match ran out of time. */
  test(text: string): boolean | null;
};

/**
 * Whether the pattern has an unbounded quantifier or a backreference, read conservatively: escapes
 * and character classes are skipped, anything else that looks like `*`, `+`, `{n,}`, `{n,m}` with
 * m > 100, or `\1`/`\k<…>` counts.
 */
export function mayBacktrackUnboundedly(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      if (/[1-9k]/.test(next)) return true;
      i++;
    } else if (c === "[") {
      // Skip the class: it ends at the first unescaped `]` (in JavaScript `[]` is an empty class).
      let j = i + 1;
      for (; j < pattern.length && pattern[j] !== "]"; j++) if (pattern[j] === "\\") j++;
      i = j;
    } else if (c === "*" || c === "+") {
      return true;
    } else if (c === "{") {
      // `{n,}` is unbounded; `{n,m}` with a large m backtracks like one.
      const bounds = /^\{(\d*),(\d*)\}/.exec(pattern.slice(i, i + 24));
      if (bounds && (bounds[2] === "" || Number(bounds[2]) > 100)) return true;
    }
  }
  return false;
}

/** Compiles a pattern that passed `regexProblem`; throws with the problem otherwise. */
export function compileSafeRegex(pattern: string, flags = ""): SafeRegex {
  const problem = regexProblem(pattern, flags);
  if (problem) throw new Error(problem);
  const clip = (text: string) => (text.length > REGEX_MAX_INPUT_LENGTH ? text.slice(0, REGEX_MAX_INPUT_LENGTH) : text);
  if (!mayBacktrackUnboundedly(pattern)) {
    const re = new RegExp(pattern, flags.replace(/[gy]/g, ""));
    return { test: (text) => re.test(clip(text)) };
  }
  // A sandbox per compiled pattern: the regex and the text are its only globals.
  const sandbox = vm.createContext({ re: new RegExp(pattern, flags), text: "" });
  const script = new vm.Script("re.lastIndex = 0, re.test(text)");
  return {
    test(text: string): boolean | null {
      sandbox.text = clip(text);
      try {
        return script.runInContext(sandbox, { timeout: REGEX_TIMEOUT_MS }) as boolean;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") return null;
        throw error;
      } finally {
        sandbox.text = "";
      }
    },
  };
}
