"""Reference GPT in PyTorch (nanoGPT's model.py, GELU tanh-approx as GPT-2) and the fixture writer.

Run with Debian's python3 (torch 1.13):  /usr/bin/python3 tests/reference/gpt.py
For each config below it writes into tests/fixtures/gpt/ (llm.c's "debug state" idea):
  <name>.weights.safetensors   weights in the GPT-2 layout (Conv1D weights [in, out]), config in
                               the metadata, exactly what glassgpt's loadCheckpoint reads
  <name>.expected.safetensors  ids, targets (I32), logits, loss and grad.<param> for every
                               parameter (F32, GPT-2 layout), and sgd_losses: the loss before and
                               after each of SGD_STEPS plain SGD steps
torch 1.13 has no safetensors package, so the format is read and written here with struct+json.
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
from torch.nn import functional as F

# nanoGPT keeps Linear weights [out, in]; the GPT-2 (Conv1D) layout is [in, out]
TRANSPOSED = ('attn.c_attn.weight', 'attn.c_proj.weight', 'mlp.c_fc.weight', 'mlp.c_proj.weight')


class LayerNorm(nn.Module):
    def __init__(self, ndim, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))
        self.bias = nn.Parameter(torch.zeros(ndim)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c_attn = nn.Linear(c['nEmbd'], 3 * c['nEmbd'], bias=c['bias'])
        self.c_proj = nn.Linear(c['nEmbd'], c['nEmbd'], bias=c['bias'])
        self.n_head, self.n_embd = c['nHead'], c['nEmbd']

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
        att = F.softmax(att.masked_fill(~mask, float('-inf')), dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c_fc = nn.Linear(c['nEmbd'], 4 * c['nEmbd'], bias=c['bias'])
        self.c_proj = nn.Linear(4 * c['nEmbd'], c['nEmbd'], bias=c['bias'])

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate='tanh'))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.ln_1, self.attn = LayerNorm(c['nEmbd'], c['bias']), CausalSelfAttention(c)
        self.ln_2, self.mlp = LayerNorm(c['nEmbd'], c['bias']), MLP(c)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.config = c
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(c['vocabSize'], c['nEmbd']),
            wpe=nn.Embedding(c['blockSize'], c['nEmbd']),
            h=nn.ModuleList([Block(c) for _ in range(c['nLayer'])]),
            ln_f=LayerNorm(c['nEmbd'], c['bias']),
        ))
        self.lm_head = nn.Linear(c['nEmbd'], c['vocabSize'], bias=False)
        self.lm_head.weight = self.transformer.wte.weight  # weight tying

    def forward(self, idx, targets=None):
        B, T = idx.size()
        pos = torch.arange(0, T, dtype=torch.long)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))  # (B, T, V)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-100)
        return logits, loss

    def gpt2_tensors(self, grads=False):
        """(name, array) in the GPT-2 layout: names without 'transformer.', Conv1D [in, out]."""
        out = []
        for k, p in self.named_parameters():  # the tied lm_head is listed once, as wte
            t = p.grad if grads else p.data
            name = k[len('transformer.'):]
            if name.endswith(TRANSPOSED):
                t = t.t()
            out.append((name, t.detach().contiguous().numpy().astype('<f4')))
        return out

    def load_gpt2_tensors(self, tensors):
        params = dict(self.named_parameters())
        for k, p in params.items():
            name = k[len('transformer.'):]
            if name not in tensors:
                raise KeyError('checkpoint lacks ' + name)
            t = torch.from_numpy(np.array(tensors[name], dtype=np.float32))
            if name.endswith(TRANSPOSED):
                t = t.t()
            assert t.shape == p.shape, (name, tuple(t.shape), tuple(p.shape))
            with torch.no_grad():
                p.copy_(t)


def write_safetensors(path, tensors, metadata=None):
    header, offset, blobs = {}, 0, []
    if metadata:
        header['__metadata__'] = metadata
    for name, arr in tensors:
        dtype = {np.dtype('<f4'): 'F32', np.dtype('<i4'): 'I32'}[arr.dtype]
        blob = arr.tobytes()
        header[name] = {'dtype': dtype, 'shape': list(arr.shape), 'data_offsets': [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    h = json.dumps(header).encode()
    h += b' ' * (-len(h) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))


def read_safetensors(path):
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop('__metadata__', {})
    data = raw[8 + n:]
    out = {}
    for name, e in header.items():
        b, end = e['data_offsets']
        dt = {'F32': '<f4', 'I32': '<i4'}[e['dtype']]
        out[name] = np.frombuffer(data[b:end], dtype=dt).reshape(e['shape'])
    return out, meta


SGD_STEPS, SGD_LR = 5, 0.5

# name, config, batch, T, whether to sprinkle ignore_index targets
CONFIGS = [
    ('awkward_head', dict(vocabSize=53, blockSize=16, nLayer=1, nHead=3, nEmbd=36, dropout=0.0, bias=True), 2, 16, False),
    ('odd_t', dict(vocabSize=29, blockSize=16, nLayer=2, nHead=2, nEmbd=16, dropout=0.0, bias=True), 3, 13, True),
    ('no_bias', dict(vocabSize=37, blockSize=12, nLayer=2, nHead=4, nEmbd=24, dropout=0.0, bias=False), 2, 11, False),
]


def make_fixture(out_dir, name, c, B, T, ignore):
    torch.manual_seed(1234)
    model = GPT(c)
    with torch.no_grad():  # GPT-2-like scales, but biases and LN weights away from 0 and 1
        for k, p in model.named_parameters():
            if k.endswith('bias') or '.ln_' in k:
                p.copy_((1.0 if k.endswith('weight') else 0.0) + 0.1 * torch.randn_like(p))
            else:
                p.copy_(0.1 * torch.randn_like(p))
    idx = torch.randint(0, c['vocabSize'], (B, T))
    targets = torch.randint(0, c['vocabSize'], (B, T))
    if ignore:
        targets[0, :3] = -100  # a masked prompt, as SFT does
        targets[2, -1] = -100
    logits, loss = model(idx, targets)
    loss.backward()
    meta = {'format': 'pt', 'config': json.dumps(c)}
    write_safetensors(os.path.join(out_dir, name + '.weights.safetensors'), model.gpt2_tensors(), meta)
    expected = [('ids', idx.numpy().astype('<i4')), ('targets', targets.numpy().astype('<i4')),
                ('logits', logits.detach().numpy().astype('<f4')),
                ('loss', loss.detach().reshape(1).numpy().astype('<f4'))]
    expected += [('grad.' + n, g) for n, g in model.gpt2_tensors(grads=True)]
    # then llm.c's second check: the losses of a few plain SGD steps (p -= lr * grad) from here
    losses = [loss.item()]
    for _ in range(SGD_STEPS):
        with torch.no_grad():
            for p in model.parameters():
                p -= SGD_LR * p.grad
        model.zero_grad()
        _, loss = model(idx, targets)
        loss.backward()
        losses.append(loss.item())
    expected.append(('sgd_losses', np.array(losses, dtype='<f4')))
    write_safetensors(os.path.join(out_dir, name + '.expected.safetensors'), expected)
    print(f'{name}: loss {losses[0]:.6f}, after {SGD_STEPS} SGD steps {losses[-1]:.6f}, {sum(p.numel() for p in model.parameters())} parameters')


if __name__ == '__main__':
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', 'fixtures', 'gpt')
    os.makedirs(out_dir, exist_ok=True)
    for args in CONFIGS:
        make_fixture(out_dir, *args)
