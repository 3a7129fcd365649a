"""Hugging Face GPT-2 folders in plain PyTorch: a re-implementation of transformers'
GPT2LMHeadModel forward (modeling_gpt2.py: Conv1D = x @ W + b with W [in, out], gelu_new,
eps from config.json, causal mask, tied head) and of what from_pretrained checks when it reads a
folder (config fields, every expected tensor present with its shape, safetensors "format": "pt").
transformers itself needs a newer torch than Debian's 1.13; where it is installed, `hf-check`
also loads the folder with the real GPT2LMHeadModel / AutoTokenizer.

Run with /usr/bin/python3 (torch 1.13, numpy):
  hf_gpt2.py make DIR SHAPE DTYPE [--shards N] [--prefix] [--lm-head] [--mask-buffers] [--seed S]
                  [--tokenizer GPT2_DIR [--tokenizer-json]]
      writes a random GPT-2-layout folder: config.json + model.safetensors (or N shards and an
      index), SHAPE tiny | small (GPT-2 small: 12 layers, 768 wide, 50257 tokens), DTYPE F32 |
      F16 | BF16
  hf_gpt2.py run DIR IDS_JSON OUT [--greedy N]
      loads DIR strictly, writes OUT (safetensors): logits [B, T, V] of ids and, with --greedy,
      the N tokens greedy decoding appends to each row (I32 [B, N])
  hf_gpt2.py hf-check DIR IDS_JSON   (only where transformers is installed) prints the max |Δ| of
      the real GPT2LMHeadModel's logits against this file's forward, and the tokenizer's ids
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch
from torch.nn import functional as F

DTYPES = {'F32': (4, '<f4'), 'F16': (2, '<f2'), 'BF16': (2, '<u2'), 'I32': (4, '<i4')}
SHAPES = {
    'tiny': dict(vocab_size=300, n_positions=32, n_layer=2, n_head=4, n_embd=32),
    'small': dict(vocab_size=50257, n_positions=1024, n_layer=12, n_head=12, n_embd=768),
}
CONV1D = ('attn.c_attn.weight', 'attn.c_proj.weight', 'mlp.c_fc.weight', 'mlp.c_proj.weight')


def to_bytes(arr, dtype):
    if dtype == 'BF16':  # round to nearest even, as torch's .to(bfloat16)
        return torch.from_numpy(np.ascontiguousarray(arr, dtype=np.float32)).to(torch.bfloat16).view(torch.int16).numpy().tobytes()
    return np.ascontiguousarray(arr, dtype=DTYPES[dtype][1]).tobytes()


def write_st(path, tensors, dtype, metadata):
    header, offset, blobs = {'__metadata__': metadata}, 0, []
    for name, arr in tensors:
        blob = to_bytes(arr, dtype if arr.dtype != np.int32 else 'I32')
        header[name] = {'dtype': dtype if arr.dtype != np.int32 else 'I32', 'shape': list(arr.shape),
                        'data_offsets': [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    h = json.dumps(header).encode()
    h += b' ' * (-len(h) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h)
        for b in blobs:
            f.write(b)


def read_st(path):
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop('__metadata__', None)
    data, out = raw[8 + n:], {}
    for name, e in header.items():
        b, end = e['data_offsets']
        a = np.frombuffer(data[b:end], dtype=DTYPES[e['dtype']][1])
        if e['dtype'] == 'BF16':
            a = (a.astype(np.uint32) << 16).view(np.float32)
        out[name] = torch.from_numpy(a.astype(np.float32) if e['dtype'] != 'I32' else a.copy()).reshape(e['shape'])
    return out, meta


def write_tokenizer(d, enc_dir, V, as_json):
    """GPT-2's tokenizer cut to V ids: its 256 byte tokens, the first V - 257 merges (GPT-2's
    ids 256.. are its merges in rank order) and <|endoftext|> as id V - 1: vocab.json +
    merges.txt, or tokenizer.json as the tokenizers library writes a GPT-2 tokenizer."""
    enc = json.load(open(os.path.join(enc_dir, 'encoder.json'), encoding='utf-8'))
    merges = open(os.path.join(enc_dir, 'vocab.bpe'), encoding='utf-8').read().split('\n')[1:-1][:V - 257]
    vocab = {k: i for k, i in enc.items() if i < V - 1}
    vocab['<|endoftext|>'] = V - 1
    assert len(vocab) == V
    if not as_json:
        json.dump(vocab, open(os.path.join(d, 'vocab.json'), 'w', encoding='utf-8'), ensure_ascii=False)
        open(os.path.join(d, 'merges.txt'), 'w', encoding='utf-8').write('#version: 0.2\n' + '\n'.join(merges) + '\n')
        return
    bl = lambda: dict(type='ByteLevel', add_prefix_space=False, trim_offsets=True, use_regex=True)  # noqa: E731
    tj = dict(version='1.0', truncation=None, padding=None,
              added_tokens=[dict(id=V - 1, content='<|endoftext|>', single_word=False, lstrip=False, rstrip=False, normalized=True, special=True)],
              normalizer=None, pre_tokenizer=bl(), post_processor=dict(bl(), trim_offsets=False), decoder=bl(),
              model=dict(type='BPE', dropout=None, unk_token=None, continuing_subword_prefix='', end_of_word_suffix='',
                         fuse_unk=False, byte_fallback=False, vocab=vocab, merges=merges))
    json.dump(tj, open(os.path.join(d, 'tokenizer.json'), 'w', encoding='utf-8'), ensure_ascii=False)


def make(d, shape, dtype, shards=1, prefix=False, lm_head=False, mask_buffers=False, seed=0):
    c = SHAPES[shape]
    C, L, V, P = c['n_embd'], c['n_layer'], c['vocab_size'], c['n_positions']
    g = torch.Generator().manual_seed(seed)
    rnd = lambda *s, std=0.02: (torch.randn(*s, generator=g) * std).numpy()  # noqa: E731
    t = [('wte.weight', rnd(V, C)), ('wpe.weight', rnd(P, C, std=0.01))]
    for i in range(L):
        h = f'h.{i}.'
        t += [(h + 'ln_1.weight', 1 + rnd(C, std=0.1)), (h + 'ln_1.bias', rnd(C, std=0.1))]
        if mask_buffers:  # what old GPT-2 files carry: the causal mask, not a parameter
            t.append((h + 'attn.bias', np.tril(np.ones((P, P), np.float32))[None, None]))
        t += [(h + 'attn.c_attn.weight', rnd(C, 3 * C)), (h + 'attn.c_attn.bias', rnd(3 * C)),
              (h + 'attn.c_proj.weight', rnd(C, C)), (h + 'attn.c_proj.bias', rnd(C)),
              (h + 'ln_2.weight', 1 + rnd(C, std=0.1)), (h + 'ln_2.bias', rnd(C, std=0.1)),
              (h + 'mlp.c_fc.weight', rnd(C, 4 * C)), (h + 'mlp.c_fc.bias', rnd(4 * C)),
              (h + 'mlp.c_proj.weight', rnd(4 * C, C)), (h + 'mlp.c_proj.bias', rnd(C))]
    t += [('ln_f.weight', 1 + rnd(C, std=0.1)), ('ln_f.bias', rnd(C, std=0.1))]
    if prefix:
        t = [('transformer.' + k, v) for k, v in t]
    if lm_head:  # the tied head written out, as some save_pretrained versions do
        t.append(('lm_head.weight', t[0][1]))
    os.makedirs(d, exist_ok=True)
    cfg = dict(architectures=['GPT2LMHeadModel'], model_type='gpt2', activation_function='gelu_new',
               layer_norm_epsilon=1e-5, n_ctx=P, n_inner=None, resid_pdrop=0.1, embd_pdrop=0.1, attn_pdrop=0.1,
               bos_token_id=V - 1, eos_token_id=V - 1, torch_dtype={'F32': 'float32', 'F16': 'float16', 'BF16': 'bfloat16'}[dtype], **c)
    with open(os.path.join(d, 'config.json'), 'w') as f:
        json.dump(cfg, f, indent=2)
    if shards == 1:
        write_st(os.path.join(d, 'model.safetensors'), t, dtype, {'format': 'pt'})
        return
    per = math.ceil(len(t) / shards)
    weight_map = {}
    for s in range(shards):
        name = f'model-{s + 1:05d}-of-{shards:05d}.safetensors'
        part = t[s * per:(s + 1) * per]
        write_st(os.path.join(d, name), part, dtype, {'format': 'pt'})
        weight_map.update({k: name for k, _ in part})
    with open(os.path.join(d, 'model.safetensors.index.json'), 'w') as f:
        json.dump({'metadata': {'total_size': 0}, 'weight_map': weight_map}, f, indent=2)


def load(d):
    """config + state dict as from_pretrained sees it: every tensor GPT2LMHeadModel expects,
    named without 'transformer.', shapes checked; a missing one is an error."""
    with open(os.path.join(d, 'config.json')) as f:
        cfg = json.load(f)
    for k in ('vocab_size', 'n_positions', 'n_embd', 'n_layer', 'n_head'):
        assert isinstance(cfg.get(k), int), f'config.json lacks {k}'
    assert cfg.get('model_type') == 'gpt2', 'config.json: model_type must be "gpt2" for AutoModel'
    assert cfg.get('activation_function', 'gelu_new') in ('gelu_new', 'gelu_pytorch_tanh')
    idx = os.path.join(d, 'model.safetensors.index.json')
    files = sorted(set(json.load(open(idx))['weight_map'].values())) if os.path.exists(idx) else ['model.safetensors']
    sd = {}
    for fn in files:
        t, meta = read_st(os.path.join(d, fn))
        assert meta and meta.get('format') == 'pt', f'{fn}: safetensors metadata "format" must be "pt" (transformers refuses others)'
        sd.update({k[len('transformer.'):] if k.startswith('transformer.') else k: v for k, v in t.items()})
    C, L, V, P = cfg['n_embd'], cfg['n_layer'], cfg['vocab_size'], cfg['n_positions']
    inner = cfg.get('n_inner') or 4 * C
    want = {'wte.weight': (V, C), 'wpe.weight': (P, C), 'ln_f.weight': (C,), 'ln_f.bias': (C,)}
    for i in range(L):
        h = f'h.{i}.'
        want.update({h + 'ln_1.weight': (C,), h + 'ln_1.bias': (C,), h + 'ln_2.weight': (C,), h + 'ln_2.bias': (C,),
                     h + 'attn.c_attn.weight': (C, 3 * C), h + 'attn.c_attn.bias': (3 * C,),
                     h + 'attn.c_proj.weight': (C, C), h + 'attn.c_proj.bias': (C,),
                     h + 'mlp.c_fc.weight': (C, inner), h + 'mlp.c_fc.bias': (inner,),
                     h + 'mlp.c_proj.weight': (inner, C), h + 'mlp.c_proj.bias': (C,)})
    for k, s in want.items():
        assert k in sd, f'missing {k}'
        assert tuple(sd[k].shape) == s, f'{k}: shape {tuple(sd[k].shape)}, GPT2LMHeadModel needs {s}'
    extra = [k for k in sd if k not in want and k != 'lm_head.weight' and not k.endswith(('attn.bias', 'attn.masked_bias'))]
    assert not extra, f'unexpected tensors {extra[:5]}'
    if 'lm_head.weight' in sd and cfg.get('tie_word_embeddings', True):
        pass  # tied: from_pretrained re-ties lm_head to wte after loading
    return cfg, sd


def forward(cfg, sd, ids):
    """GPT2LMHeadModel.forward (modeling_gpt2.py, eager attention), inference mode."""
    B, T = ids.shape
    C, H, eps = cfg['n_embd'], cfg['n_head'], cfg.get('layer_norm_epsilon', 1e-5)
    conv1d = lambda x, p: x @ sd[p + '.weight'] + sd[p + '.bias']  # noqa: E731  Conv1D: addmm(b, x, W)
    ln = lambda x, p: F.layer_norm(x, (C,), sd[p + '.weight'], sd[p + '.bias'], eps)  # noqa: E731
    x = sd['wte.weight'][ids] + sd['wpe.weight'][torch.arange(T)]
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
    for i in range(cfg['n_layer']):
        h = f'h.{i}.'
        q, k, v = conv1d(ln(x, h + 'ln_1'), h + 'attn.c_attn').split(C, dim=2)
        split = lambda t: t.view(B, T, H, C // H).permute(0, 2, 1, 3)  # noqa: E731  (B, nh, T, hs)
        q, k, v = split(q), split(k), split(v)
        w = torch.matmul(q, k.transpose(-1, -2)) / (v.size(-1) ** 0.5)
        w = torch.where(causal, w, torch.tensor(torch.finfo(w.dtype).min))
        a = torch.matmul(F.softmax(w, dim=-1), v).permute(0, 2, 1, 3).reshape(B, T, C)
        x = x + conv1d(a, h + 'attn.c_proj')
        m = conv1d(ln(x, h + 'ln_2'), h + 'mlp.c_fc')
        m = 0.5 * m * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (m + 0.044715 * torch.pow(m, 3.0))))  # gelu_new
        x = x + conv1d(m, h + 'mlp.c_proj')
    head = sd['wte.weight'] if cfg.get('tie_word_embeddings', True) else sd['lm_head.weight']
    return ln(x, 'ln_f') @ head.t()


def run(d, ids_json, out, greedy=0):
    cfg, sd = load(d)
    ids = torch.tensor(json.loads(ids_json), dtype=torch.long)
    with torch.no_grad():
        logits = forward(cfg, sd, ids)
        gen = ids
        for _ in range(greedy):
            gen = torch.cat([gen, forward(cfg, sd, gen)[:, -1].argmax(-1, keepdim=True)], dim=1)
    t = [('logits', logits.numpy())]
    if greedy:
        t.append(('greedy', gen[:, ids.shape[1]:].to(torch.int32).numpy()))
    write_st(out, t, 'F32', {'format': 'pt'})


def hf_check(d, ids_json):
    from transformers import AutoTokenizer, GPT2LMHeadModel  # only where installed
    ids = torch.tensor(json.loads(ids_json), dtype=torch.long)
    model = GPT2LMHeadModel.from_pretrained(d).eval()
    cfg, sd = load(d)
    with torch.no_grad():
        diff = (model(ids).logits - forward(cfg, sd, ids)).abs().max().item()
    out = {'max_abs': diff}
    if os.path.exists(os.path.join(d, 'tokenizer.json')) or os.path.exists(os.path.join(d, 'vocab.json')):
        out['ids'] = AutoTokenizer.from_pretrained(d)('Hello world, it is a road.')['input_ids']
    print(json.dumps(out))


def main(a):
    if len(a) < 3:
        sys.exit(__doc__)
    flag = lambda k, dflt: a[a.index(k) + 1] if k in a else dflt  # noqa: E731
    if a[1] == 'make':
        make(a[2], a[3], a[4], shards=int(flag('--shards', 1)), prefix='--prefix' in a, lm_head='--lm-head' in a,
             mask_buffers='--mask-buffers' in a, seed=int(flag('--seed', 0)))
        if '--tokenizer' in a:
            write_tokenizer(a[2], flag('--tokenizer', None), SHAPES[a[3]]['vocab_size'], '--tokenizer-json' in a)
    elif a[1] == 'run':
        run(a[2], a[3], a[4], greedy=int(flag('--greedy', 0)))
    elif a[1] == 'hf-check':
        hf_check(a[2], a[3])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv)
