import type { ChatAnswer, ChatTool } from "./chat-client";

/**
 * How a judge answers: by calling one function whose arguments carry its
 * reasoning and its verdict — the `select_choice` protocol autoevals uses,
 * with the choices as an enum — so the verdict is read from structured
 * arguments, not guessed from prose. Servers without tool calling may answer
 * the same object as JSON text instead (optionally in a ```json fence); that
 * is accepted too. Anything else is a garbage answer: the caller marks the
 * trace failed and keeps the raw answer, never a made-up score.
 */

export class JudgeAnswerError extends Error {
  constructor(message: string, readonly raw: string) {
    super(message);
    this.name = "JudgeAnswerError";
  }
}

export const CHOICE_TOOL = "select_choice";
export const VERDICTS_TOOL = "submit_verdicts";

export function choiceTool(choices: string[]): ChatTool {
  return {
    type: "function",
    function: {
      name: CHOICE_TOOL,
      description: "Call this function to select a choice.",
      parameters: {
        type: "object",
        properties: {
          reasons: { type: "string", description: "Your reasoning, step by step, before the choice." },
          choice: { type: "string", enum: choices, description: "The choice" },
        },
        required: ["reasons", "choice"],
      },
    },
  };
}

export function verdictsTool(count: number): ChatTool {
  return {
    type: "function",
    function: {
      name: VERDICTS_TOOL,
      description: `Call this function with exactly ${count} verdicts, one per numbered item, in order.`,
      parameters: {
        type: "object",
        properties: {
          reasons: { type: "string", description: "Your reasoning, item by item." },
          verdicts: { type: "array", items: { type: "string", enum: ["yes", "no"] }, minItems: count, maxItems: count },
        },
        required: ["reasons", "verdicts"],
      },
    },
  };
}

/** The function arguments of the answer: from the named tool call, else from JSON text. */
function argumentsOf(answer: ChatAnswer, tool: string): Record<string, unknown> {
  const call = answer.toolCalls.find((c) => c.name === tool);
  const text = call ? call.arguments : (answer.content ?? "");
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const candidate = (fenced ? fenced[1]! : text).trim();
  const start = candidate.indexOf("{");
  const end = candidate.lastIndexOf("}");
  if (start < 0 || end <= start) {
    throw new JudgeAnswerError(call ? `the ${tool} arguments are not a JSON object` : `no ${tool} call and no JSON object in the answer`, answer.raw);
  }
  try {
    const parsed: unknown = JSON.parse(candidate.slice(start, end + 1));
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new JudgeAnswerError(`the ${call ? `${tool} arguments` : "answer"} are not valid JSON`, answer.raw);
}

export type ChoiceVerdict = { choice: string; reasons: string | null };

export function readChoice(answer: ChatAnswer, choices: string[]): ChoiceVerdict {
  const args = argumentsOf(answer, CHOICE_TOOL);
  const choice = typeof args.choice === "string" ? args.choice.trim() : typeof args.choice === "number" ? String(args.choice) : null;
  if (choice === null) throw new JudgeAnswerError("the answer has no choice", answer.raw);
  const exact = choices.find((c) => c === choice) ?? choices.find((c) => c.toLowerCase() === choice.toLowerCase());
  if (!exact) throw new JudgeAnswerError(`unknown choice ${JSON.stringify(choice.slice(0, 80))} (expected one of ${choices.join(", ")})`, answer.raw);
  return { choice: exact, reasons: typeof args.reasons === "string" ? args.reasons : null };
}

export type ListVerdict = { verdicts: boolean[]; reasons: string | null };

export function readVerdicts(answer: ChatAnswer, count: number): ListVerdict {
  const args = argumentsOf(answer, VERDICTS_TOOL);
  const list = args.verdicts;
  if (!Array.isArray(list)) throw new JudgeAnswerError("the answer has no verdicts list", answer.raw);
  if (list.length !== count) throw new JudgeAnswerError(`expected ${count} verdicts, got ${list.length}`, answer.raw);
  const verdicts = list.map((v) => {
    const word = typeof v === "string" ? v.trim().toLowerCase() : typeof v === "boolean" ? (v ? "yes" : "no") : "";
    if (word !== "yes" && word !== "no") throw new JudgeAnswerError(`verdict ${JSON.stringify(v)} is neither yes nor no`, answer.raw);
    return word === "yes";
  });
  return { verdicts, reasons: typeof args.reasons === "string" ? args.reasons : null };
}
