/** A prompt or response as the client sent it: a string, a chat transcript `[{role, content}]`, or other JSON. */
type Message = { role: string; content: string };

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    // OpenAI-style content parts: [{type: "text", text}, …]
    return content
      .map((part) => (typeof part === "string" ? part : part && typeof part === "object" && "text" in part ? String((part as { text: unknown }).text) : JSON.stringify(part)))
      .join("\n");
  }
  return content === null || content === undefined ? "" : JSON.stringify(content, null, 2);
}

export function toMessages(value: unknown, fallbackRole: string): Message[] | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return [{ role: fallbackRole, content: value }];
  if (Array.isArray(value) && value.every((m) => m && typeof m === "object" && "role" in m)) {
    return value.map((m) => ({ role: String((m as { role: unknown }).role), content: contentText((m as { content?: unknown }).content) }));
  }
  return [{ role: fallbackRole, content: JSON.stringify(value, null, 2) }];
}

export function ChatMessages({ value, fallbackRole, emptyText }: { value: unknown; fallbackRole: string; emptyText: string }) {
  const messages = toMessages(value, fallbackRole);
  if (!messages || messages.length === 0) return <p className="muted">{emptyText}</p>;
  return (
    <div className="messages">
      {messages.map((m, i) => (
        <div key={i} className={`message role-${m.role.replace(/[^a-z]/gi, "")}`}>
          <div className="message-role">{m.role}</div>
          <div className="text">{m.content}</div>
        </div>
      ))}
    </div>
  );
}
