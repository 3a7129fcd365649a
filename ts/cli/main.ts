// The `glassgpt` command: one small module per subcommand, loaded on demand.

type Command = (argv: string[]) => Promise<number>;

// In the order a model's life goes: data → tokens → pre-training → sampling → alignment → benchmarks.

const COMMANDS: Record<string, { about: string; load: () => Promise<Command> }> = {
  demo: { about: 'train a baby GPT on the Brown corpus for ~2 minutes and compare samples', load: async () => (await import('./demo.js')).demoCommand },
  train: { about: 'pre-train a GPT on a text file (--data F|brown, --preset baby, --json)', load: async () => (await import('./train.js')).trainCommand },
  sample: { about: 'generate text from a checkpoint (--checkpoint DIR --prompt T, samplers, --stream)', load: async () => (await import('./sample.js')).sampleCommand },
  tokenize: { about: 'text → token ids (--tokenizer gpt2:DIR|FILE, --text T | --file F, --pieces, --json)', load: async () => (await import('./tokenize.js')).tokenizeCommand },
  tokenizer: { about: 'tokenizer train --data F --vocab-size N --out F', load: async () => (await import('./tokenize.js')).tokenizerCommand },
  sft: { about: 'instruction-tune a checkpoint on JSONL {"prompt","response"} / {"messages"}', load: async () => (await import('./align/index.js')).sftCommand },
  label: { about: 'rank K samples per prompt in the terminal; writes preference JSONL', load: async () => (await import('./align/index.js')).labelCommand },
  reward: { about: 'reward train: a reward model from rankings (Bradley–Terry)', load: async () => (await import('./align/index.js')).rewardCommand },
  rlhf: { about: 'optimise a policy against a reward model (--algo ppo|grpo), KL to the reference', load: async () => (await import('./align/index.js')).rlhfCommand },
  dpo: { about: 'direct preference optimisation on chosen/rejected pairs', load: async () => (await import('./align/index.js')).dpoCommand },
  export: { about: 'export --format hf --checkpoint DIR --out DIR: a Hugging Face GPT-2 folder (transformers loads it)', load: async () => (await import('./export.js')).exportCommand },
  bench: { about: 'benchmarks: bench kernels [--json]', load: async () => (await import('./bench.js')).benchCommand },
};

const usage = () => [
  'usage: glassgpt <command> [options]', '',
  ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.about}`),
  '', 'Run `glassgpt <command> --help` for its options.',
].join('\n');

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') { console.log(usage()); return name ? 0 : 2; }
  const cmd = COMMANDS[name];
  if (!cmd) { console.error(`glassgpt: unknown command "${name}"\n\n${usage()}`); return 2; }
  try {
    return await (await cmd.load())(rest);
  } catch (e) {
    console.error(`glassgpt ${name}: ${(e as Error).message}`);
    return 1;
  }
}

// Run when executed directly (bin/glassgpt.js imports dist/cli.js and calls main).
export default main;
