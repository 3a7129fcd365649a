"""nanoGPT's baby GPT on CPU, in PyTorch: the yardstick for `glassgpt train --preset baby`.

Same model (tests/reference/gpt.py: GPT-2 blocks, tanh GELU, tied head, no biases), same
settings as config/train_shakespeare_char.py with the README's CPU overrides: block 64, batch
12, 4 layers, 4 heads, 128 embd, dropout 0, lr 1e-3 with 100 warmup steps and cosine decay to
1e-4 over 2000 iterations, AdamW betas (0.9, 0.99), weight decay 0.1 on 2-D weights, clip 1.0.
Char-level on the text file given (benches/train.ts writes the Brown corpus there), 90/10 split.

Run with Debian's python3 (torch 1.13) on a tuned BLAS, one thread (benches/train.ts does):
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 \
      benches/reference/train_baby.py --text brown.txt --iters 2000
Prints one JSON object per line; the last one has tokensPerSec and valLoss.

Speed: the first --warmup steps (default 10) are trained but not timed (first calls allocate,
start the OpenMP pool, fault pages in), and the last line also gives the median step's
tokens/s, which a few slow steps (another process on the core) do not move. The BLAS that
torch loaded is read from /proc/self/maps and printed: a run on Debian's reference BLAS
(LD_LIBRARY_PATH naming a directory that does not exist falls back to it silently) is several
times slower and is no yardstick, so the script refuses it unless --any-blas is given.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'tests', 'reference'))
from gpt import GPT  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument('--text', required=True)
p.add_argument('--iters', type=int, default=2000)
p.add_argument('--eval-iters', type=int, default=200)
p.add_argument('--threads', type=int, default=1)
p.add_argument('--seed', type=int, default=1337)
p.add_argument('--warmup', type=int, default=10)
p.add_argument('--any-blas', action='store_true')
a = p.parse_args()


def blas_loaded():
    """The BLAS shared object mapped into this process (torch loads it on import)."""
    with open('/proc/self/maps') as f:
        libs = {line.split()[-1] for line in f if 'blas' in line.lower() and '/' in line}
    return sorted(os.path.realpath(x) for x in libs)


blas = blas_loaded()
reference = [x for x in blas if os.path.basename(x).startswith('libblas') and 'openblas' not in x]
if (reference or not any('openblas' in x for x in blas)) and not a.any_blas:
    sys.exit(f'train_baby.py: torch runs on {blas or "an unknown BLAS"}, not OpenBLAS: install libopenblas0-openmp '
             'and set LD_LIBRARY_PATH to its directory (or pass --any-blas)')

torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
text = open(a.text, encoding='utf-8').read()
chars = sorted(set(text))  # by code point, as glassgpt's CharTokenizer
stoi = {c: i for i, c in enumerate(chars)}
data = np.array([stoi[c] for c in text], dtype=np.int64)
n = int(len(data) * 0.9)
train, val = torch.from_numpy(data[:n]), torch.from_numpy(data[n:])

c = dict(vocabSize=len(chars), blockSize=64, nLayer=4, nHead=4, nEmbd=128, bias=False)
B, T = 12, 64
lr, min_lr, warmup, decay_iters = 1e-3, 1e-4, 100, a.iters
model = GPT(c)
for name, prm in model.named_parameters():  # nanoGPT's _init_weights + scaled c_proj
    if prm.dim() >= 2:
        std = 0.02 / math.sqrt(2 * c['nLayer']) if name.endswith('c_proj.weight') else 0.02
        torch.nn.init.normal_(prm, mean=0.0, std=std)
decay = [q for q in model.parameters() if q.dim() >= 2]
no_decay = [q for q in model.parameters() if q.dim() < 2]
opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1}, {'params': no_decay, 'weight_decay': 0.0}],
                        lr=lr, betas=(0.9, 0.99))


def get_batch(src):
    ix = torch.randint(len(src) - T, (B,))
    return torch.stack([src[i:i + T] for i in ix]), torch.stack([src[i + 1:i + 1 + T] for i in ix])


def get_lr(it):
    if it < warmup:
        return lr * (it + 1) / (warmup + 1)
    if it > decay_iters:
        return min_lr
    ratio = (it - warmup) / (decay_iters - warmup)
    return min_lr + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (lr - min_lr)


@torch.no_grad()
def estimate(src):
    model.eval()
    losses = [model(*get_batch(src))[1].item() for _ in range(a.eval_iters)]
    model.train()
    return sum(losses) / len(losses)


train_time = 0.0
step_times = []
for it in range(a.iters):
    for g in opt.param_groups:
        g['lr'] = get_lr(it)
    t0 = time.perf_counter()
    x, y = get_batch(train)
    _, loss = model(x, y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    if it >= a.warmup:
        step_times.append(time.perf_counter() - t0)
        train_time += step_times[-1]
    if (it + 1) % 250 == 0 and step_times:
        print(json.dumps({'impl': 'pytorch', 'step': it + 1, 'loss': round(loss.item(), 4),
                          'tokensPerSec': round(len(step_times) * B * T / train_time, 1)}), flush=True)

timed = max(len(step_times), 1)
median_step = sorted(step_times)[len(step_times) // 2] if step_times else float('nan')
print(json.dumps({'impl': 'pytorch', 'type': 'done', 'step': a.iters, 'threads': a.threads, 'blas': blas,
                  'timedSteps': len(step_times), 'tokensPerSec': round(timed * B * T / max(train_time, 1e-9), 1),
                  'medianStepTokensPerSec': round(B * T / median_step, 1),
                  'trainLoss': round(estimate(train), 4), 'valLoss': round(estimate(val), 4)}), flush=True)
