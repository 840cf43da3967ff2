"""Calibrate the grammar-only recognizer's own operating point (``edge/asr/grammar_reject.json``).

The fast path's threshold (``edge/asr/fastpath/reject.json``) was chosen for a recognizer with Whisper
behind it, where a rejected decode costs only time. Grammar-only (``asr.engine = "grammar"``, zero2w) has
nothing behind it: a reject is a command not served. This keeps its rejection model (the weights in that
file: the fast path's calibration on pocketsphinx's default search, which grammar-only uses) and chooses
the lowest threshold that holds, on clips that are NOT ``edge bench grammar``'s:

- homes other than the demo home: ``family.toml`` and simulated homes (``edge.lab.sim.household_home``);
- ``in``: random walks through each home's grammar; ``opposite``: walks with an opposite in the grammar
  (one word swapped: on/off, open/close, ...), decoded through the opposite check as the runtime does;
  ``out``: HWU64 requests outside the home scenarios that the grammar does not accept;
- espeak-ng voices and rates the bench does not use, a third mixed with background noise
  (``../shared/data/wakeword/background_noise``) at 10-20 dB SNR.

A **wrong accept** is an accepted decode whose words (apart from articles and "please") are not the
sentence said: a wrong device, a wrong value or the opposite command. Sentences are split by a hash of
their text: two thirds choose the threshold, one third is blind. The rule: the lowest threshold with at
most ``--max-false-accept`` (1 %) of out-of-grammar clips accepted, no wrong accept among the opposite
clips and at most ``--max-wrong`` (1 %) wrong accepts among the in-grammar ones.

    python -m edge.lab.grammar_calibrate [--n 240] [--rows rows.json] [--write]
"""

from __future__ import annotations

import argparse
import dataclasses
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

from edge import resources
from edge.asr.fastpath.grammar import GrammarInputs, home_inputs
from edge.asr.grammar_check import opposites
from edge.asr.grammar_only import GRAMMAR_MODEL, GrammarStream, trim_heap
from edge.audio.io import read_audio
from edge.audio.synth import synthesize
from edge.config import project_root
from edge.context.homes import load_home
from edge.context.model import Device
from edge.lab.fastpath_calibrate import _mix, _oog_sentences, walk
from edge.lab.sim.household_home import make_home

__all__ = ["OUT", "choose", "main", "same_words"]

OUT = Path(__file__).resolve().parent.parent / "asr" / "grammar_reject.json"
# not edge bench grammar's (en-us 150, en-gb 170, en-us+f3 135, en-gb+m3 185)
VOICES = ("en-us+m3", "en-gb+f2", "en-us+m7", "en-gb-x-rp", "en-us+f4")
RATES = (125, 145, 165, 190)
_IGNORED = frozenset({"the", "a", "an", "please", "my"})


def same_words(said: str, heard: str) -> bool:
    """The same request, apart from articles and "please" (a conservative test for a wrong accept)."""
    return [w for w in said.split() if w not in _IGNORED] == [w for w in heard.split() if w not in _IGNORED]


def _homes(n_sim: int, rng: random.Random) -> list[tuple[str, GrammarInputs]]:
    def inputs(devices: list[Device], areas: list[str]) -> GrammarInputs:
        names = [n.lower() for d in devices for n in (d.name, *d.aliases)]
        return home_inputs(names, [a.lower() for a in areas])

    homes = []
    for path in sorted(resources.homes_dir().glob("*.toml")):
        if path.name != resources.demo_home().name:  # the bench's home is never calibrated on
            home = load_home(path)
            homes.append((home.name, inputs(list(home.devices.values()), list(home.areas))))
    for i in range(n_sim):
        sim = make_home(f"sim{i}", rng, ("small", "medium", "large")[i % 3])
        devices = list(sim.devices.values())
        homes.append((sim.home_id, inputs(devices, sorted({d.area for d in devices if d.area}))))
    return homes


def _decode(args: argparse.Namespace, rng: random.Random) -> list[dict[str, Any]]:
    folder = args.shared / "wakeword" / "background_noise"  # the household noise the wake bench uses
    noise = [read_audio(p) for p in sorted(folder.glob("*.wav"))] if folder.is_dir() else []
    oog = _oog_sentences(args.shared)
    homes = _homes(args.sim_homes, rng)
    per_home = max(3, args.n // len(homes))
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="edge-grammar-calib-") as tmp:
        for home, inputs in homes:
            stream = GrammarStream(functools.partial(lambda i: i, inputs))
            stream.prepare()
            grammar = stream.grammar
            assert grammar is not None
            for i in range(per_home):
                kind = ("in", "opposite", "out")[i % 3]
                text = ""
                for _ in range(60):
                    if kind == "out":
                        text = rng.choice(oog) if oog else ""
                        if text and not grammar.accepts(text):
                            break
                        continue
                    text = " ".join(walk(grammar, rng.choice(grammar.sentences), rng))
                    if kind == "in" or opposites(text, grammar.accepts):
                        break
                else:
                    continue
                voice, rate = rng.choice(VOICES), rng.choice(RATES)
                out = Path(tmp) / "clip.wav"
                wav = synthesize(text, out, voice=voice, speed=rate, lead_silence_s=0.4, tail_silence_s=0.6)
                samples = read_audio(wav)
                noisy = bool(noise) and rng.random() < 1 / 3
                if noisy:
                    samples = _mix(samples, rng.choice(noise), rng.uniform(10, 20), rng)
                heard = stream.decode(samples)
                ok = bool(heard.text) and grammar.accepts(heard.text)
                flipped = False
                if ok:  # the opposite check, as the runtime runs it on an accepted decode
                    as_accepted = dataclasses.replace(heard, rejected=False, reason="")
                    flipped = stream.confirm(as_accepted, samples).rejected
                rows.append({
                    "home": home, "kind": kind, "text": text, "hyp": heard.text, "ok": ok,
                    "score": heard.confidence, "opposite_rejected": flipped,
                    "same": same_words(text, heard.text), "voice": voice, "rate": rate, "noisy": noisy,
                    "blind": int(hashlib.sha256(text.encode()).hexdigest(), 16) % 3 == 0,
                })  # fmt: skip
            del stream, grammar
            trim_heap()
            print(f"{home}: {len(rows)} clips", file=sys.stderr)
    return rows


def figures(rows: list[dict[str, Any]], threshold: float) -> dict[str, Any]:
    """At ``threshold``: accepts, wrong accepts and false accepts per kind of clip."""

    def accepted(r: dict[str, Any]) -> bool:
        return bool(r["ok"]) and r["score"] >= threshold and not r["opposite_rejected"]

    out: dict[str, Any] = {}
    for kind in ("in", "opposite", "out"):
        sel = [r for r in rows if r["kind"] == kind]
        acc = [r for r in sel if accepted(r)]
        wrong = [r for r in acc if kind == "out" or not r["same"]]
        out[kind] = {
            "clips": len(sel),
            "accepted": len(acc),
            "right": len(acc) - len(wrong) if kind != "out" else len(sel) - len(acc),
            "wrong_accepts": len(wrong),
            "examples": [(r["text"], r["hyp"]) for r in wrong][:4],
        }
    return out


def choose(rows: list[dict[str, Any]], max_false_accept: float, max_wrong: float) -> float:
    """The lowest threshold that keeps the rule on ``rows``."""
    for t in sorted({0.0, *(round(float(r["score"]) + 1e-4, 4) for r in rows if r["ok"])}):
        f = figures(rows, t)
        if (
            f["out"]["wrong_accepts"] <= max_false_accept * f["out"]["clips"]
            and f["opposite"]["wrong_accepts"] == 0
            and f["in"]["wrong_accepts"] <= max_wrong * f["in"]["clips"]
        ):
            return t
    return 1.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=240)
    ap.add_argument("--sim-homes", type=int, default=3)
    ap.add_argument("--seed", type=int, default=29)
    ap.add_argument("--max-false-accept", type=float, default=0.01)
    ap.add_argument("--max-wrong", type=float, default=0.01)
    default_shared = os.environ.get("EDGE_SHARED_DATA") or str(project_root().parent / "shared" / "data")
    ap.add_argument("--shared", type=Path, default=Path(default_shared))
    ap.add_argument("--rows", type=Path, help="the decodes are kept here and read back")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.rows is not None and args.rows.is_file():
        rows = json.loads(args.rows.read_text(encoding="utf-8"))
    else:
        rows = _decode(args, random.Random(args.seed))
        if args.rows is not None:
            args.rows.write_text(json.dumps(rows), encoding="utf-8")
    train = [r for r in rows if not r["blind"]]
    threshold = choose(train, args.max_false_accept, args.max_wrong)
    report = {
        "clips": len(rows),
        "threshold": threshold,
        "rule": f"out accepted <= {args.max_false_accept:.0%}, opposite wrong = 0, "
        f"in wrong <= {args.max_wrong:.0%}",
        "seconds": round(time.perf_counter() - t0, 1),
        "train": figures(train, threshold),
        "blind": figures([r for r in rows if r["blind"]], threshold),
    }
    print(json.dumps(report, indent=1))
    if args.write:
        model = {"weights": GRAMMAR_MODEL.weights, "scale": GRAMMAR_MODEL.scale}  # scored with these
        text = json.dumps({**model, "threshold": threshold, "report": report}, indent=1)
        OUT.write_text(text + "\n", "utf-8")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
