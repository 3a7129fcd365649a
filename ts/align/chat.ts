// The chat template: `<|user|>…<|end|><|assistant|>…<|end|>` per turn, with the special tokens of
// ts/tokenizer/special.ts (the ChatML idea: roles as single special ids that no text can spell).
// Message text is encoded with no specials allowed, so a user who types "<|end|>" gets those
// characters, not the end token (tiktoken's encode_ordinary). Each token carries a flag saying
// whether an SFT loss may be taken on it: the assistant's text and its closing <|end|> only.

import { ASSISTANT_TOKEN, END_TOKEN, USER_TOKEN } from '../tokenizer/special.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { AlignError } from './errors.js';
import type { Conversation } from './sft-data.js';

export interface ChatIds {
  user: number;
  assistant: number;
  end: number;
}

/** The ids of the three chat tokens; throws when the tokenizer lacks any of them. */
export function chatIds(tok: Tokenizer): ChatIds {
  const get = (s: string) => {
    const id = tok.specialTokens.get(s);
    if (id === undefined) throw new AlignError(`the tokenizer has no ${s} token; chat models need ${[USER_TOKEN, ASSISTANT_TOKEN, END_TOKEN].join(' ')} among its special tokens`);
    return id;
  };
  return { user: get(USER_TOKEN), assistant: get(ASSISTANT_TOKEN), end: get(END_TOKEN) };
}

export interface EncodedChat {
  ids: number[];
  /** 1 where the token is assistant output (a training target), 0 elsewhere. */
  train: Uint8Array;
}

/** A whole conversation. Example: [{user,"Hi"},{assistant,"Hello"}] →
 *  <|user|> H i <|end|> <|assistant|> H e l l o <|end|>, train = 0 0 0 0 0 1 1 1 1 1 1. */
export function encodeChat(tok: Tokenizer, conv: Conversation): EncodedChat {
  const c = chatIds(tok), ids: number[] = [], train: number[] = [];
  for (const m of conv) {
    const isA = m.role === 'assistant';
    // the role token itself is prompt: the model is told whose turn it is, it does not predict it
    ids.push(isA ? c.assistant : c.user); train.push(0);
    for (const id of tok.encode(m.content)) { ids.push(id); train.push(isA ? 1 : 0); }
    ids.push(c.end); train.push(isA ? 1 : 0); // learning to stop is part of the answer
  }
  return { ids, train: Uint8Array.from(train) };
}

/** What generation starts from: the prompt turn and the assistant token,
 *  `<|user|>prompt<|end|><|assistant|>`. */
export function encodePrompt(tok: Tokenizer, prompt: string): number[] {
  const c = chatIds(tok);
  return [c.user, ...tok.encode(prompt), c.end, c.assistant];
}

/** A response's ids as the policy emits them: its text, then <|end|>. */
export function encodeResponse(tok: Tokenizer, response: string): number[] {
  return [...tok.encode(response), chatIds(tok).end];
}

/** The text of generated ids: everything before the first <|end|> (specials dropped). */
export function decodeResponse(tok: Tokenizer, ids: readonly number[]): string {
  const end = chatIds(tok).end;
  const cut = ids.indexOf(end);
  const body = (cut < 0 ? ids : ids.slice(0, cut)).filter((id) => ![...tok.specialTokens.values()].includes(id));
  return tok.decode(body);
}
