// GPT-2's released tokenizer files (openai/gpt-2 encoder.py: encoder.json + vocab.bpe) as a
// BpeTokenizer. Browser-safe: takes the files' contents; node.ts reads them from disk.
import { BpeTokenizer } from './bpe.js';
import { buildBpeSpec } from './bpe-json.js';
import { TokenizerFormatError, describe, parseJsonIfString } from './errors.js';
import { ENDOFTEXT } from './special.js';

/**
 * GPT-2 tokenizer from the contents of encoder.json (text or parsed object) and vocab.bpe
 * (text: a "#version" line, then one "left right" merge per line). <|endoftext|> (50256) is its
 * one special token. Example: fromGpt2Files(enc, bpe).encode("Hello world") → [15496, 995].
 */
export function fromGpt2Files(encoderJson: string | Record<string, number>, vocabBpe: string): BpeTokenizer {
  const encoder = parseJsonIfString(encoderJson, 'encoder.json');
  if (typeof vocabBpe !== 'string') throw new TokenizerFormatError('vocab.bpe', `expected the file's text, got ${describe(vocabBpe)}`);
  const lines = vocabBpe.split('\n');
  // encoder.py reads bpe_data.split('\n')[1:-1]: skip the "#version: 0.2" header and the last line.
  if (lines[0].startsWith('#version')) lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  const merges = lines.map((l) => l.replace(/\r$/, ''));
  const enc = encoder as Record<string, unknown>;
  const specials: Record<string, unknown> = {};
  if (typeof enc === 'object' && enc !== null && ENDOFTEXT in enc) specials[ENDOFTEXT] = enc[ENDOFTEXT];
  const spec = buildBpeSpec(encoder, merges, specials, 'gpt2',
    { vocab: 'encoder.json', merges: 'vocab.bpe', specials: 'encoder.json' });
  return new BpeTokenizer(spec);
}
