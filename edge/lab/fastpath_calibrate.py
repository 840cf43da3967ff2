"""Calibrate the fast path's rejection (``edge/asr/fastpath/reject.json``) on espeak-ng speech.

In-grammar sentences are random walks through each bundled home's compiled grammar; out-of-grammar ones
are HWU64 requests outside the home scenarios (and any that the grammar happens to accept are dropped).
Each is spoken by one of several espeak-ng voices at one of several rates, a third of them mixed with
background noise at 10-20 dB SNR. The voices and the noise are *not* those of ``edge bench latency``
(which uses en-us, en-gb, en-us+f3, en-gb-scotland, en-us+m3 and ``wakeword/background_noise``): here the
espeak-ng accents below, and the barista set's kitchen recording, brown noise and a babble of espeak-ng
voices, so the bench's figures stay a held-out test of this calibration. Sentences
are split by a hash of their text: two thirds fit a logistic model over :class:`Evidence`, one third is
blind. The threshold keeps the training false accepts at or below ``--max-false-accept``.

    python -m edge.lab.fastpath_calibrate [--n 160] [--write]
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from edge import resources
from edge.asr.fastpath.grammar import CommandGrammar, GrammarInputs, Node, home_inputs
from edge.asr.fastpath.reject import Evidence
from edge.asr.fastpath.stream import PocketsphinxStream
from edge.audio.io import read_audio
from edge.audio.synth import synthesize
from edge.config import project_root
from edge.context.homes import load_home

__all__ = ["main", "walk"]

OUT = Path(__file__).resolve().parent.parent / "asr" / "fastpath" / "reject.json"
VOICES = ("en-gb-x-rp", "en-029", "en-us-nyc", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-us-nyc+f2",
          "en-gb-x-rp+f4")  # fmt: skip
RATES = (125, 150, 175, 195)
LEAD_S, TAIL_S = 0.4, 0.7  # as the listener hands it over: pre-roll before, the trailing silence after
BABBLE = ("the weather will be mild tomorrow", "she said the meeting moved to three",
          "put the kettle on would you", "the game starts at eight tonight")  # fmt: skip
FEATURES = ("score_gap", "coverage", "phone_distance", "words_per_s")


def walk(grammar: CommandGrammar, node: Node, rng: random.Random, depth: int = 0) -> list[str]:
    """One random sentence of ``node``."""
    kind = node[0]
    if depth > 30:
        return []
    if kind == "w":
        return [node[1]]
    if kind == "seq":
        return [w for item in node[1] for w in walk(grammar, item, rng, depth + 1)]
    if kind == "alt":
        return walk(grammar, rng.choice(node[1]), rng, depth + 1)
    if kind == "opt":
        return walk(grammar, node[1], rng, depth + 1) if rng.random() < 0.5 else []
    if kind == "ref":
        return walk(grammar, grammar.rules[node[1]], rng, depth + 1)
    values = grammar.lists.get(node[1], ())
    return list(rng.choice(values)) if values else []


def _oog_sentences(shared: Path) -> list[str]:
    path = shared / "hwu64" / "hwu64.csv"
    if not path.is_file():
        return []
    rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter=";"))
    return [r["answer_from_anno"] for r in rows if r["scenario"] not in {"iot", "audio"}]


def _noise(shared: Path, tmp: Path, rng: random.Random) -> list[np.ndarray]:
    """Kitchen noise (the barista set's recording, when present), brown noise, and a babble of voices."""
    beds: list[np.ndarray] = []
    kitchen = shared / "barista" / "kitchen_noise.wav"
    if kitchen.is_file():
        beds.append(read_audio(kitchen))
    white = np.random.default_rng(rng.randrange(1 << 30)).normal(0.0, 1.0, 16_000 * 20)
    brown = np.cumsum(white)
    brown -= np.convolve(brown, np.ones(1600) / 1600, mode="same")  # no drift below ~10 Hz
    beds.append(np.asarray(brown / np.abs(brown).max() * 8000, dtype=np.int16))
    voices = [read_audio(synthesize(t, tmp / f"babble{i}.wav", voice=VOICES[i % len(VOICES)], speed=160,
                                    lead_silence_s=0.1, tail_silence_s=0.1)).astype(np.float64)
              for i, t in enumerate(BABBLE)]  # fmt: skip
    length = max(len(v) for v in voices)
    babble = sum(np.pad(v, (0, length - len(v)), mode="wrap") for v in voices)
    beds.append(np.asarray(np.clip(babble, -32768, 32767), dtype=np.int16))
    return beds


def _mix(speech: np.ndarray, noise: np.ndarray, snr_db: float, rng: random.Random) -> np.ndarray:
    if len(noise) < len(speech):
        noise = np.tile(noise, len(speech) // max(1, len(noise)) + 1)
    start = rng.randrange(0, len(noise) - len(speech) + 1)
    n = noise[start : start + len(speech)].astype(np.float64)
    s = speech.astype(np.float64)
    gain = np.sqrt((s**2).mean() / max(1e-9, (n**2).mean()) / 10 ** (snr_db / 10))
    mixed: np.ndarray = np.clip(s + gain * n, -32768, 32767).astype(np.int16)
    return mixed


def _clips(n: int, shared: Path, rng: random.Random) -> list[dict[str, Any]]:
    homes = [load_home(p) for p in sorted(resources.homes_dir().glob("*.toml"))]
    oog = _oog_sentences(shared)
    clips: list[dict[str, Any]] = []
    for i in range(n):
        home = homes[i % len(homes)]
        names = [d.name.lower() for d in home.devices.values()]
        inputs = home_inputs(names, [a.lower() for a in home.areas])
        clips.append({"home": home.name, "inputs": inputs, "in": i % 2 == 0, "text": ""})
        if not clips[-1]["in"] and oog:
            clips[-1]["text"] = rng.choice(oog)
    return clips


def _same(inputs: GrammarInputs) -> GrammarInputs:
    return inputs


def _fit(x: np.ndarray, y: np.ndarray, steps: int = 4000, l2: float = 1e-2) -> np.ndarray:
    w = np.zeros(x.shape[1] + 1)
    xb = np.hstack([x, np.ones((len(x), 1))])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        w -= 0.1 * (xb.T @ (p - y) / len(y) + l2 * np.r_[w[:-1], 0])
    out: np.ndarray = w
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=160)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--max-false-accept", type=float, default=0.01)
    default_shared = os.environ.get("EDGE_SHARED_DATA") or str(project_root().parent / "shared" / "data")
    ap.add_argument("--shared", type=Path, default=Path(default_shared))
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--rows", type=Path, help="the decoded measures are kept here and read back")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    if args.rows is not None and args.rows.is_file():
        rows = json.loads(args.rows.read_text(encoding="utf-8"))
    else:
        rows = _decode(args, rng)
        if args.rows is not None:
            args.rows.write_text(json.dumps(rows), encoding="utf-8")
    return _report(args, rows, time.perf_counter() - t0)


def _decode(args: argparse.Namespace, rng: random.Random) -> list[dict[str, Any]]:
    streams: dict[str, PocketsphinxStream] = {}
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="edge-calib-") as tmp:
        noise = _noise(args.shared, Path(tmp), rng)
        for i, clip in enumerate(_clips(args.n, args.shared, rng)):
            inputs = clip["inputs"]
            stream = streams.get(clip["home"])
            if stream is None:
                stream = streams[clip["home"]] = PocketsphinxStream(threshold=0.0)
                stream.use(functools.partial(_same, inputs))
                stream.prepare()
            grammar = stream.grammar
            assert grammar is not None
            text = " ".join(walk(grammar, rng.choice(grammar.sentences), rng)) if clip["in"] else clip["text"]
            if not text.strip() or (not clip["in"] and grammar.accepts(text)):
                continue
            voice, rate = rng.choice(VOICES), rng.choice(RATES)
            wav = synthesize(
                text,
                Path(tmp) / f"{i}.wav",
                voice=voice,
                speed=rate,
                lead_silence_s=LEAD_S,
                tail_silence_s=TAIL_S,
            )
            samples = read_audio(wav)
            noisy = bool(noise) and rng.random() < 1 / 3
            if noisy:
                samples = _mix(samples, rng.choice(noise), rng.uniform(10, 20), rng)
            stream.start()
            for at in range(0, len(samples), 1280):
                stream.feed(samples[at : at + 1280])
            stream.finish()
            active = stream._loaded
            assert active is not None
            ev = Evidence.read(active.decoder, active.phones)
            blind = int(hashlib.sha256(text.encode()).hexdigest(), 16) % 3 == 0
            rows.append({"text": text, "in": clip["in"], "hyp": ev.text, "ok": grammar.accepts(ev.text),
                         "exact": ev.text == text, "blind": blind, "voice": voice, "rate": rate,
                         "noisy": noisy, **ev.features()})  # fmt: skip
    return rows


def _report(args: argparse.Namespace, rows: list[dict[str, Any]], seconds: float) -> int:
    train = [r for r in rows if not r["blind"] and r["ok"]]
    x = np.array([[r[f] for f in FEATURES] for r in train])
    mean, std = x.mean(0), x.std(0) + 1e-9
    y = np.array([1.0 if r["in"] and r["exact"] else 0.0 for r in train])
    w = _fit((x - mean) / std, y)

    def score(r: dict[str, Any]) -> float:
        z = float(((np.array([r[f] for f in FEATURES]) - mean) / std) @ w[:-1] + w[-1])
        return float(1 / (1 + np.exp(-z)))

    # what must not be accepted: speech outside the grammar, and in-grammar speech decoded as another
    # sentence (an "on" heard as "off" is a wrong action, as bad as a false accept)
    neg = sorted((score(r) for r in train if not (r["in"] and r["exact"])), reverse=True)
    k = int(args.max_false_accept * len(neg))
    threshold = float(min(0.99, max(0.05, (neg[k] + 1e-4) if k < len(neg) else 0.5)))
    report: dict[str, Any] = {
        "clips": len(rows),
        "threshold": round(threshold, 4),
        "seconds": round(seconds, 1),
    }
    for part in ("train", "blind"):
        sel = [r for r in rows if r["blind"] == (part == "blind")]
        ins = [r for r in sel if r["in"]]
        outs = [r for r in sel if not r["in"]]
        acc_in = [r for r in ins if r["ok"] and score(r) >= threshold]
        acc_out = [r for r in outs if r["ok"] and score(r) >= threshold]
        report[part] = {
            "in_grammar": len(ins),
            "grammar_decode_exact": round(sum(r["exact"] for r in ins) / max(1, len(ins)), 3),
            "accept_rate": round(len(acc_in) / max(1, len(ins)), 3),
            "exact_of_accepted": round(sum(r["exact"] for r in acc_in) / max(1, len(acc_in)), 3),
            "out_of_grammar": len(outs),
            "false_accept_rate": round(len(acc_out) / max(1, len(outs)), 3),
            "false_accepts": [(r["text"], r["hyp"]) for r in acc_out][:5],
            "wrong_accepts": round(sum(not r["exact"] for r in acc_in) / max(1, len(ins)), 3),
            "inexact_accepts": [(r["text"], r["hyp"]) for r in acc_in if not r["exact"]][:5],
        }
    print(json.dumps(report, indent=1))
    if args.write:
        data = {
            "weights": {f: round(float(v), 5) for f, v in zip(FEATURES, w[:-1], strict=True)}
            | {"bias": round(float(w[-1]), 5)},
            "scale": {
                f: [round(float(m), 5), round(float(s), 5)]
                for f, m, s in zip(FEATURES, mean, std, strict=True)
            },
            "threshold": round(threshold, 4),
            "report": report,
        }  # fmt: skip
        OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
