"""MODEL_CARD.md for a trained NLU model (data sources and licences, sizes, metrics)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["write_card"]


def write_card(out_dir: Path, meta: dict[str, Any]) -> None:
    val = meta.get("validation", {})
    rows = "\n".join(
        f"| {name} | {r['intent_accuracy']:.4f} | {r['slot_exact']:.4f} "
        f"| {r['median_ms']:.3f} | {r['size_mb']:.2f} |"
        for name, r in val.items()
    )
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(meta.get("sources", {}).items()))
    bench = meta.get("benchmark", "")
    text = f"""# Contextual NLU model ({meta.get("domain") or "home"})

A joint intent + BIO slot model that reads the home's context features next to the words.
Architecture: hashed word/shape/character-3-gram embeddings ({meta["buckets"]} x 64, summed per token) ->
context projection (24 -> 16) concatenated to every token -> BiGRU (64 per direction) -> heads for intent
({len(meta["intents"])}), slot tags ({len(meta["tags"])} BIO labels), implied device domain ("focus",
{len(meta["focus"])}) and media class ({len(meta["media"])}). Exported to ONNX opset 17, dynamically quantized
(onnxruntime `quantize_dynamic`, MatMul/Gemm/Gather, int8 weights).
Kept: **{meta.get("kept")}** ({meta["model_file"]}).
Seed {meta["seed"]}; trained in {meta.get("train_seconds", "?")} s on CPU.

## Training data ({meta["train_examples"]} examples after the validation split; by source: {counts})
- Project templates (`edge/training/templates.py`, Apache-2.0) x device/room names from `devices/homes/*.toml`
  plus synthetic names and rooms; context-dependent families label each sentence under a random home state.
- Home Assistant English sentence templates from the `home-assistant-intents` package (CC BY 4.0),
  expanded by `edge/nlu/grammar.py`, mapped to this catalogue (`edge/training/ha_data.py`).
- HWU64 (Liu et al. 2019, CC BY 4.0), only the training half (`crc32(answerid)` even) when `../shared/data`
  is present; the other half is never trained on and is what `edge bench nlu` reports.
- Generated out-of-domain chit-chat and questions; ASR-like noise on 35% copies (dropped articles,
  homophones, misheard names, fillers).
{meta.get("domain_note", "")}
## Validation (5% of generated data, same distribution as training: optimistic)
| export | intent acc | slot exact | median ms (1 thread) | size MB |
|---|---|---|---|---|
{rows}

{bench}
"""
    (out_dir / "MODEL_CARD.md").write_text(text)
