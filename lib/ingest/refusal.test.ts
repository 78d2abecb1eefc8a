import { describe, expect, it } from "vitest";
import { isRefusal } from "./refusal";

describe("isRefusal", () => {
  it.each([
    "I'm sorry, but I can't help with that request.",
    "I can’t assist with creating malware.",
    "I cannot provide medical dosages.",
    "Sorry, but I won't do that.",
    "As an AI language model, I cannot browse the internet.",
    "I'm unable to help with that.",
    "Unfortunately, I cannot share account details.",
    "  I am not able to answer that question.",
  ])("counts %j", (text) => expect(isRefusal(text, "stop")).toBe(true));

  it.each([
    "Sure! Here is the SQL query you asked for.",
    "To reset your password, open Settings. I can't guarantee the email arrives instantly.",
    "Sorry for the wait — here is your invoice.",
    "",
  ])("does not count %j", (text) => expect(isRefusal(text, "stop")).toBe(false));

  it("trusts the provider's finish reason", () => {
    expect(isRefusal(null, "content_filter")).toBe(true);
    expect(isRefusal("Here you go", "CONTENT_FILTER")).toBe(true);
    expect(isRefusal(null, null)).toBe(false);
  });
});
