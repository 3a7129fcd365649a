// The instruction-tuning card's built-in pairs: questions about the nursery sample (the page's
// default text) answered with its own sentences, so a tiny model tuned for a minute can get them
// right; on the other samples they still teach the template (answer, then <|end|>).

import type { Pair } from './protocol.js';

export const SFT_PAIRS: Pair[] = [
  { prompt: 'Where did the cat sit?', response: 'The cat sat on the mat.' },
  { prompt: 'What did the dog find?', response: 'The dog found a wooden gate.' },
  { prompt: 'Where did the bird run?', response: 'A bird ran to the river.' },
  { prompt: 'Who slept near the barn?', response: 'The farmer slept near the red barn.' },
  { prompt: 'What did the old man look at?', response: 'The old man looked at a tall tree.' },
  { prompt: 'When did the girl walk past the hill?', response: 'A small girl walked past the green hill after the rain.' },
];
