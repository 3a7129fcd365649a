"""The optimizer path held to PyTorch (llm.c's test_gpt2.c checks ten AdamW steps; this checks 24):
torch.optim.AdamW over nanoGPT's two parameter groups (2-D weights decay, biases and LayerNorm gains
do not), nanoGPT's get_lr (linear warmup, cosine to min_lr, then flat), clip_grad_norm_ (active on
most steps) and gradient accumulation (each micro-batch's loss divided by the number of them).

Run with Debian's python3 (torch 1.13):  /usr/bin/python3 tests/reference/train_steps.py
Writes tests/fixtures/train/adamw.weights.safetensors (the initial weights, GPT-2 layout, config
and the optimizer settings in the metadata) and adamw.expected.safetensors:
  ids, targets   I32 [STEPS, ACCUM, B, T]: the batches of every micro-step, in order
  loss, lr, grad_norm  F32 [STEPS]: the mean micro-batch loss, the lr used, the norm before clipping
  final.<param>  F32: every parameter after the last step (GPT-2 layout)
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from gpt import GPT, write_safetensors  # noqa: E402  (the reference model and format writer)

STEPS, ACCUM, B, T = 24, 2, 3, 10
CONFIG = dict(vocabSize=31, blockSize=12, nLayer=2, nHead=2, nEmbd=16, dropout=0.0, bias=True)
OPT = dict(lr=2e-2, minLr=2e-3, warmupIters=4, decayIters=18, beta1=0.9, beta2=0.95, eps=1e-8,
           weightDecay=0.1, gradClip=0.5, gradAccumSteps=ACCUM)


def get_lr(it):
    """nanoGPT train.py's get_lr, verbatim in meaning."""
    if it < OPT['warmupIters']:
        return OPT['lr'] * (it + 1) / (OPT['warmupIters'] + 1)
    if it > OPT['decayIters']:
        return OPT['minLr']
    ratio = (it - OPT['warmupIters']) / (OPT['decayIters'] - OPT['warmupIters'])
    coeff = 0.5 * (1.0 + math.cos(math.pi * ratio))
    return OPT['minLr'] + coeff * (OPT['lr'] - OPT['minLr'])


def main():
    out = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'train')
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(4321)
    model = GPT(CONFIG)
    with torch.no_grad():  # GPT-2-like scales, biases and LayerNorm gains away from 0 and 1
        for k, p in model.named_parameters():
            if k.endswith('bias') or '.ln_' in k:
                p.copy_((1.0 if k.endswith('weight') else 0.0) + 0.1 * torch.randn_like(p))
            else:
                p.copy_(0.2 * torch.randn_like(p))
    meta = {'format': 'pt', 'config': json.dumps(CONFIG), 'optimizer': json.dumps(OPT)}
    write_safetensors(os.path.join(out, 'adamw.weights.safetensors'), model.gpt2_tensors(), meta)

    ids = torch.randint(0, CONFIG['vocabSize'], (STEPS, ACCUM, B, T))
    targets = torch.randint(0, CONFIG['vocabSize'], (STEPS, ACCUM, B, T))
    targets[:, :, 0, :2] = -100  # a masked prompt in every micro-batch, as SFT has

    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': OPT['weightDecay']},
                             {'params': no_decay, 'weight_decay': 0.0}],
                            lr=OPT['lr'], betas=(OPT['beta1'], OPT['beta2']), eps=OPT['eps'])
    losses, lrs, norms = [], [], []
    for step in range(STEPS):
        lr = get_lr(step)
        for g in opt.param_groups:
            g['lr'] = lr
        opt.zero_grad(set_to_none=True)
        total = 0.0
        for micro in range(ACCUM):
            _, loss = model(ids[step, micro], targets[step, micro])
            total += loss.item()
            (loss / ACCUM).backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), OPT['gradClip'])
        opt.step()
        losses.append(total / ACCUM)
        lrs.append(lr)
        norms.append(norm.item())
    clipped = sum(n > OPT['gradClip'] for n in norms)
    assert clipped >= STEPS // 2, f'clipping should be active on most steps, was on {clipped}'

    f32 = lambda xs: torch.tensor(xs, dtype=torch.float32).numpy().astype('<f4')  # noqa: E731
    expected = [('ids', ids.numpy().astype('<i4')), ('targets', targets.numpy().astype('<i4')),
                ('loss', f32(losses)), ('lr', f32(lrs)), ('grad_norm', f32(norms))]
    expected += [('final.' + n, a) for n, a in model.gpt2_tensors()]
    write_safetensors(os.path.join(out, 'adamw.expected.safetensors'), expected)
    print(f'{STEPS} steps: loss {losses[0]:.4f} -> {losses[-1]:.4f}, clipped on {clipped}, '
          f'lr {min(lrs):.4g}..{max(lrs):.4g}')


if __name__ == '__main__':
    main()
