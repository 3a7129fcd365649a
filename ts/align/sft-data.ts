// Instruction-tuning records: JSONL `{"prompt","response"}` (one turn) or `{"messages":[{role,
// content},…]}` (multi-turn, OpenAI chat format as TRL's SFTTrainer reads it), validated into
// conversations of alternating user/assistant turns.

import { AlignDataError, show } from './errors.js';
import { parseJsonl } from './jsonl.js';

export type Role = 'user' | 'assistant';
export interface Message {
  role: Role;
  content: string;
}
/** Turns in order, starting with the user and ending with the assistant. */
export type Conversation = Message[];

function text(v: unknown, what: string, source: string, line: number): string {
  if (typeof v !== 'string') throw new AlignDataError(source, line, `${what} must be a string, got ${show(v)}`);
  if (v.trim() === '') throw new AlignDataError(source, line, `${what} is empty`);
  return v;
}

/** One record (already parsed JSON) as a conversation. */
export function sftRecord(v: Record<string, unknown>, source = 'sft', line = 0): Conversation {
  if ('messages' in v) {
    const extra = Object.keys(v).filter((k) => k !== 'messages');
    if (extra.length) throw new AlignDataError(source, line, `a "messages" record has no other fields, got ${show(extra)}`);
    if (!Array.isArray(v.messages) || v.messages.length < 2) {
      throw new AlignDataError(source, line, `"messages" must be an array of at least one user and one assistant turn, got ${show(v.messages)}`);
    }
    const msgs: unknown[] = v.messages;
    return msgs.map((m, i) => {
      if (m === null || typeof m !== 'object') throw new AlignDataError(source, line, `messages[${i}] must be an object {role, content}, got ${show(m)}`);
      const { role, content } = m as Record<string, unknown>;
      const want: Role = i % 2 === 0 ? 'user' : 'assistant'; // turns alternate, user first
      if (role !== want) throw new AlignDataError(source, line, `messages[${i}].role must be "${want}" (turns alternate, starting with the user), got ${show(role)}`);
      if (i === msgs.length - 1 && role !== 'assistant') throw new AlignDataError(source, line, 'the last message must be the assistant\'s');
      return { role: want, content: text(content, `messages[${i}].content`, source, line) };
    });
  }
  const extra = Object.keys(v).filter((k) => k !== 'prompt' && k !== 'response');
  if (extra.length) throw new AlignDataError(source, line, `unknown field ${show(extra[0])} (expected "prompt" and "response", or "messages")`);
  return [
    { role: 'user', content: text(v.prompt, '"prompt"', source, line) },
    { role: 'assistant', content: text(v.response, '"response"', source, line) },
  ];
}

/** Every record of a JSONL text; errors name the line. */
export function parseSftJsonl(jsonl: string, source = 'sft'): Conversation[] {
  return parseJsonl(jsonl, source).map(({ line, value }) => sftRecord(value, source, line));
}
