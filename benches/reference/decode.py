"""Decode throughput of a GPT with a KV cache in PyTorch: the reference for benches/generate.ts.

nanoGPT's model (GPT-2 blocks, tied head) with a per-layer K/V cache preallocated as
(B, nh, maxT, hs), the layout glassgpt's kernels use; prefill 64 prompt tokens in one forward,
then 128 greedy decode steps, logits for the last position only. One thread, tuned BLAS:

  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OPENBLAS_VERBOSE=2 \
    /usr/bin/python3 benches/reference/decode.py [--rounds 5] [--json]

Prints one line per model (JSON with --json): median decode tokens/s over the rounds.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn.functional as F

MODELS = {  # name: (n_layer, n_head, n_embd, vocab, block)
    'baby': (4, 4, 128, 65, 256),
    'gpt2-small': (12, 12, 768, 50257, 256),
}
PROMPT, NEW = 64, 128


class Block(torch.nn.Module):
    def __init__(self, C, nh):
        super().__init__()
        self.nh = nh
        self.ln_1, self.ln_2 = torch.nn.LayerNorm(C), torch.nn.LayerNorm(C)
        self.c_attn, self.c_proj = torch.nn.Linear(C, 3 * C), torch.nn.Linear(C, C)
        self.c_fc, self.mlp_proj = torch.nn.Linear(C, 4 * C), torch.nn.Linear(4 * C, C)

    def forward(self, x, kc, vc, pos):
        B, T, C = x.shape
        hs = C // self.nh
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, self.nh, hs).transpose(1, 2) for t in (q, k, v))  # (B, nh, T, hs)
        kc[:, :, pos:pos + T] = k
        vc[:, :, pos:pos + T] = v
        L = pos + T
        att = (q @ kc[:, :, :L].transpose(-2, -1)) * (1.0 / math.sqrt(hs))  # (B, nh, T, L)
        if T > 1:  # prefill: causal mask
            att = att.masked_fill(torch.ones(T, L, dtype=torch.bool).triu(1 + pos), float('-inf'))
        y = F.softmax(att, dim=-1) @ vc[:, :, :L]  # (B, nh, T, hs)
        x = x + self.c_proj(y.transpose(1, 2).reshape(B, T, C))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate='tanh'))


class GPT(torch.nn.Module):
    def __init__(self, nl, nh, C, V, block):
        super().__init__()
        self.wte, self.wpe = torch.nn.Embedding(V, C), torch.nn.Embedding(block, C)
        self.h = torch.nn.ModuleList(Block(C, nh) for _ in range(nl))
        self.ln_f = torch.nn.LayerNorm(C)
        for p in self.parameters():
            torch.nn.init.normal_(p, 0.0, 0.02)

    def forward(self, ids, caches, pos):
        T = ids.shape[1]
        x = self.wte(ids) + self.wpe(torch.arange(pos, pos + T))
        for blk, (kc, vc) in zip(self.h, caches):
            x = blk(x, kc, vc, pos)
        return self.ln_f(x[:, -1]) @ self.wte.weight.t()  # (B, V): the last position only


def run(name, rounds, warmup):
    nl, nh, C, V, block = MODELS[name]
    torch.manual_seed(0)
    model = GPT(nl, nh, C, V, block).eval()
    ids = torch.randint(0, V, (1, PROMPT))
    rates = []
    with torch.inference_mode():
        for r in range(rounds + 1):  # round 0 warms up (`warmup` decode steps)
            caches = [(torch.zeros(1, nh, block, C // nh), torch.zeros(1, nh, block, C // nh)) for _ in range(nl)]
            logits = model(ids, caches, 0)
            t0 = time.perf_counter()
            for i in range(NEW if r > 0 else warmup):
                nxt = logits.argmax(-1, keepdim=True)
                logits = model(nxt, caches, PROMPT + i)
            dt = time.perf_counter() - t0
            if r > 0:
                rates.append(NEW / dt)
    return {'bench': 'generate', 'impl': 'pytorch', 'model': name, 'threads': torch.get_num_threads(),
            'prompt': PROMPT, 'new': NEW, 'tokens_per_s': statistics.median(rates), 'rounds': [round(x, 2) for x in rates]}


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--rounds', type=int, default=5)
    ap.add_argument('--warmup', type=int, default=NEW, help='decode steps of the warm-up round')
    ap.add_argument('--json', action='store_true')
    ap.add_argument('--model', choices=list(MODELS), action='append')
    a = ap.parse_args()
    torch.set_num_threads(1)
    for name in a.model or list(MODELS):
        res = run(name, a.rounds, a.warmup)
        print(json.dumps(res) if a.json else f"{name}: {res['tokens_per_s']:.1f} tokens/s (pytorch {torch.__version__}, 1 thread; rounds {res['rounds']})")
