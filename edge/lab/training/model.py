"""The joint model (torch): hashed token embeddings + context -> BiGRU -> intent, slot, focus, media heads.

Context enters twice: projected and concatenated to every token before the GRU (so slot tags and token
states can depend on it) and again into the sentence-level heads. ``Ensemble`` averages the probabilities
of several independently seeded members inside one exported graph (it outputs log-mean-probabilities, so
the runner's softmax gives the averaged distribution back).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

__all__ = ["Ensemble", "JointNLU"]


class JointNLU(nn.Module):
    def __init__(
        self,
        *,
        buckets: int,
        n_context: int,
        n_intents: int,
        n_tags: int,
        n_focus: int,
        n_media: int,
        dim: int = 64,
        hidden: int = 64,
        ctx_dim: int = 16,
        dropout: float = 0.15,
    ) -> None:
        super().__init__()
        self.embed = nn.Embedding(buckets, dim, padding_idx=0, sparse=True)
        self.ctx = nn.Sequential(nn.Linear(n_context, ctx_dim), nn.Tanh())
        self.gru = nn.GRU(dim + ctx_dim, hidden, batch_first=True, bidirectional=True)
        sent = 4 * hidden + ctx_dim
        self.sentence = nn.Sequential(nn.Linear(sent, 128), nn.ReLU())
        self.intent = nn.Linear(128, n_intents)
        self.focus = nn.Linear(128, n_focus)
        self.media = nn.Linear(128, n_media)
        self.tags = nn.Linear(2 * hidden + ctx_dim, n_tags)
        self.dropout = nn.Dropout(dropout)

    def forward(self, ids: Any, ctx: Any, lengths: Any = None) -> tuple[Any, Any, Any, Any]:
        # ids: [B, T, K] int64, ctx: [B, C] float
        mask = (ids[:, :, 0] != 0).unsqueeze(-1).float()  # [B, T, 1]
        tok = self.embed(ids).sum(dim=2)  # [B, T, D]
        c = self.ctx(ctx)  # [B, Cd]
        c_tok = c.unsqueeze(1).expand(-1, tok.shape[1], -1)
        x = self.dropout(torch.cat([tok, c_tok], dim=-1))
        if lengths is not None:
            packed = nn.utils.rnn.pack_padded_sequence(
                x, lengths.cpu(), batch_first=True, enforce_sorted=False
            )
            out, _ = self.gru(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        else:
            h, _ = self.gru(x)
        h = h * mask
        mean = h.sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        mx = (h + (mask - 1.0) * 1e4).max(dim=1).values
        s = self.sentence(self.dropout(torch.cat([mean, mx, c], dim=-1)))
        tags = self.tags(self.dropout(torch.cat([h, c_tok], dim=-1)))
        return self.intent(s), tags, self.focus(s), self.media(s)


class Ensemble(nn.Module):
    """Members' probabilities averaged per head; outputs log(mean p) (a softmax of it is the mean)."""

    def __init__(self, members: list[JointNLU]) -> None:
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, ids: Any, ctx: Any) -> tuple[Any, Any, Any, Any]:
        outs = [m(ids, ctx) for m in self.members]
        heads = []
        for i in range(4):
            probs = torch.stack([o[i].softmax(dim=-1) for o in outs]).mean(dim=0)
            heads.append(torch.log(probs.clamp(min=1e-9)))
        return heads[0], heads[1], heads[2], heads[3]
