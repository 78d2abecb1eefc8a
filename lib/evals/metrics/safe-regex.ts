/**
 * User-written regular expressions, run safely. JavaScript's engine backtracks, so a pattern such as
 * `(a+)+$` can take exponential time on a crafted response. Three limits, in order:
 *  1. the pattern is at most REGEX_MAX_PATTERN_LENGTH characters and must compile;
 *  2. patterns with nested unbounded quantifiers (star height > 1, the shape of exponential
 *     backtracking; checked by safe-regex2) are refused when the settings are saved;
 *  3. a match reads at most the first REGEX_MAX_INPUT_LENGTH characters and runs under a
 *     REGEX_TIMEOUT_MS time limit (node:vm interrupts the engine), for the polynomial cases the
 *     static check cannot see; a match that runs out of time is reported, not guessed.
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

/** Compiles a pattern that passed `regexProblem`; throws with the problem otherwise. */
export function compileSafeRegex(pattern: string, flags = ""): SafeRegex {
  const problem = regexProblem(pattern, flags);
  if (problem) throw new Error(problem);
  // A sandbox per compiled pattern: the regex and the text are its only globals.
  const sandbox = vm.createContext({ re: new RegExp(pattern, flags), text: "" });
  const script = new vm.Script("re.lastIndex = 0, re.test(text)");
  return {
    test(text: string): boolean | null {
      sandbox.text = text.length > REGEX_MAX_INPUT_LENGTH ? text.slice(0, REGEX_MAX_INPUT_LENGTH) : text;
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
