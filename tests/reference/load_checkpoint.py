"""Loads a checkpoint glassgpt wrote into the PyTorch reference GPT and prints its loss.

The road for users who outgrow one machine: continue in PyTorch. Usage (Debian's torch 1.13):
  /usr/bin/python3 tests/reference/load_checkpoint.py CKPT.safetensors [INPUTS.safetensors]
INPUTS holds `ids` and `targets` (I32 [B, T]); without it a seeded random batch is used.
Prints one JSON line: {"loss": ..., "config": {...}, "B": .., "T": ..}.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt import GPT, read_safetensors  # noqa: E402


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    tensors, meta = read_safetensors(argv[1])
    if 'config' not in meta:
        sys.exit('checkpoint has no "config" metadata')
    config = json.loads(meta['config'])
    model = GPT(config)
    model.load_gpt2_tensors(tensors)
    model.eval()
    if len(argv) > 2:
        inputs, _ = read_safetensors(argv[2])
        ids = torch.from_numpy(inputs['ids'].astype('int64'))
        targets = torch.from_numpy(inputs['targets'].astype('int64'))
    else:
        g = torch.Generator().manual_seed(0)
        T = min(config['blockSize'], 32)
        ids = torch.randint(0, config['vocabSize'], (2, T), generator=g)
        targets = torch.randint(0, config['vocabSize'], (2, T), generator=g)
    with torch.no_grad():
        _, loss = model(ids, targets)
    print(json.dumps({'loss': loss.item(), 'config': config, 'B': ids.shape[0], 'T': ids.shape[1]}))


if __name__ == '__main__':
    main(sys.argv)
