"""``edge bench asr_confusions``: measure the real recognizer's confusions on the simulator's own requests
and check the calibrated ASR-error model against it on held-out voices.

The simulator's requests (:mod:`edge.lab.sim.confusions_corpus`) are synthesized with twelve espeak-ng
voices, seven speeds and three noise levels (clean, 20 and 10 dB of the shared background noise; clean only
when that data is absent), transcribed as :class:`edge.lab.sim.household_audio.AudioHearing` does (the
runtime's recognizer, the home's prompt, the same transcript cache), aligned word by word, and counted
(:func:`edge.lab.sim.confusions.measure`); ``--write`` writes them to ``edge/lab/sim/confusions.json``.
Then four held-out voices say other homes' requests: the real recognizer's word error rate and names
misheard beside the calibrated model's (each held-out user drawn as a simulated speaker, averaged over
several draws) and the hand-set model's, on the same sentences. And background noise alone (a false
wake: the wake word fired and nobody spoke) through the same recognizer: what confidence it reports then
(mostly none, rejected as no speech), which the simulator gives its false wakes.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from edge.asr.base import Recognizer
from edge.asr.factory import load_recognizer
from edge.audio.io import read_audio
from edge.audio.synth import tools_missing
from edge.config import Settings
from edge.errors import EdgeError
from edge.lab.bench._learning_audio import cache_dir, recognizer_id
from edge.lab.sim.confusions import DEFAULT_PATH, Clip, Confusions, measure, quantiles
from edge.lab.sim.confusions_corpus import (
    FIT_VOICES,
    HELDOUT_VOICES,
    Request,
    noise_files,
    noise_windows,
    requests,
)
from edge.lab.sim.confusions_model import CalibratedASR
from edge.lab.sim.household_audio import AsrFigures, AudioHearing, pair_figures, words
from edge.lab.sim.users import SimUser

__all__ = ["recognizer_or_skip", "run", "transcribe_all"]

SEED = 20261206
DRAWS = 10  # simulated speakers per held-out user (the model's figures are their mean)
NOISE_WINDOWS = 60  # stretches of background noise alone transcribed (a false wake's confidence)


def transcribe_all(audio: AudioHearing, reqs: Sequence[Request], label: str) -> list[Clip]:
    t0 = time.perf_counter()
    clips = []
    for k, r in enumerate(reqs):
        data = audio.transcript(r.voice, r.speed, r.said, r.vocabulary, r.noise)
        names = tuple(" ".join(words(n)) for n in r.names)
        heard = () if data["rejected"] else tuple(words(str(data["text"])))  # rejected: no speech
        clips.append(
            Clip(
                r.voice, tuple(words(r.said)), heard, names, float(data["confidence"]), bool(data["rejected"])
            )
        )
        if (k + 1) % 250 == 0:
            print(f"  {label}: {k + 1}/{len(reqs)} clips ({time.perf_counter() - t0:.0f} s)", flush=True)
    return clips


def noise_confidences(recognizer: Recognizer, noise: list[Path], vocabulary: Sequence[str]) -> list[float]:
    """The recognizer's confidence on the stretches of NOISE_WINDOWS of background noise alone that it
    rejected as no speech; prints how many it rejected and why."""
    confs: list[float] = []
    reasons: dict[str, int] = {}
    for path, start, length in noise_windows(noise, NOISE_WINDOWS, SEED):
        bed = read_audio(path)
        idx = (np.arange(int(length * 16000)) + int(start * 16000)) % max(1, len(bed))
        t = recognizer.transcribe(bed[idx], vocabulary)
        if t.rejected:  # a false wake is a wake with no speech heard (an accepted one is another turn)
            confs.append(float(t.confidence))
        key = t.reason if t.rejected else "accepted"
        reasons[key] = reasons.get(key, 0) + 1
    shown = ", ".join(f"{k} {v}" for k, v in sorted(reasons.items()))
    print(f"background noise alone, {NOISE_WINDOWS} stretches: {shown}; of those rejected, confidence "
          f"above 0 in {sum(c > 0 for c in confs)}")  # fmt: skip
    return confs


def _rows(
    clips: Sequence[Clip], heard: Sequence[Sequence[str]]
) -> list[tuple[list[str], list[str], set[str], bool]]:
    return [
        (list(c.said), list(h), set(c.names), not h and bool(c.said))
        for c, h in zip(clips, heard, strict=True)
    ]


def _model_figures(
    held: Sequence[tuple[Request, SimUser]], clips: Sequence[Clip], measured: Confusions
) -> tuple[AsrFigures, AsrFigures]:
    """The calibrated model (DRAWS speakers per held-out user, pooled) and the hand-set one, on the same
    sentences."""
    cal_rows: list[tuple[list[str], list[str], set[str], bool]] = []
    for d in range(DRAWS):
        speakers: dict[str, CalibratedASR] = {}
        rng = random.Random(f"{SEED}:heldout:{d}")
        heard = []
        for req, _ in held:
            if req.user_id not in speakers:
                srng = random.Random(f"{SEED}:{req.user_id}:{d}")
                speakers[req.user_id] = CalibratedASR.sample(srng, measured, frozenset(req.names))
            heard.append(words(speakers[req.user_id].hear(req.said, rng)[0]))
        cal_rows += _rows(clips, heard)
    rng = random.Random(f"{SEED}:handset")
    hand = [words(user.asr.hear(req.said, rng)[0]) for req, user in held]
    return pair_figures(cal_rows), pair_figures(_rows(clips, hand))


def recognizer_or_skip(settings: Settings) -> Recognizer | None:
    """The runtime's recognizer for a bench that synthesizes speech, or None after saying why it skips (no
    espeak-ng/sox, no recognizer)."""
    missing = tools_missing()
    if missing:
        print(f"skipped: {', '.join(missing)} not installed")
        return None
    try:
        return load_recognizer(settings)
    except (EdgeError, ImportError) as err:
        print(f"skipped: no recognizer ({err})")
        return None


def run(settings: Settings, args: argparse.Namespace) -> int:
    quick = bool(getattr(args, "quick", False))
    fit_homes, fit_per, held_homes, held_per = (3, 12, 2, 10) if quick else (16, 40, 6, 30)
    recognizer = recognizer_or_skip(settings)
    if recognizer is None:
        return 0
    noise = noise_files(settings.shared_data())
    if not noise:
        print("no background noise (<shared data>/wakeword/background_noise): clean speech only")
    audio = AudioHearing(recognizer, cache_dir(), recognizer_id(settings))
    fit = requests(SEED, "cal", fit_homes, fit_per, voices=FIT_VOICES, noise=noise)
    held = requests(SEED + 1, "held", held_homes, held_per, voices=HELDOUT_VOICES, noise=noise)
    print(f"{settings.asr.model} on espeak-ng speech of the simulator's requests ({audio.cache_dir}):")
    fit_clips = transcribe_all(audio, [r for r, _ in fit], "fit")
    conditions = sorted({r.condition for r, _ in fit} | {f"{r.speed} wpm" for r, _ in fit})
    measured = measure(fit_clips, settings.asr.model, HELDOUT_VOICES, conditions)
    held_clips = transcribe_all(audio, [r for r, _ in held], "held out")
    print(f"  ({audio.synthesized} clips synthesized and transcribed in this run, the rest cached)")
    _report(measured, fit, held, held_clips)
    by_condition: dict[str, list[Clip]] = {}
    for (req, _), clip in zip(fit, fit_clips, strict=True):
        by_condition.setdefault(req.condition, []).append(clip)
    for cond, cl in sorted(by_condition.items()):
        f, label = pair_figures(_rows(cl, [c.heard for c in cl])), f"{cond:<6}"
        print(f"  fitted clips, {label}: {f.utterances} clips, WER {f.wer:.3f}, names {f.names_misheard:.3f}")
    if noise:
        confs = noise_confidences(recognizer, noise, fit[0][0].vocabulary)
        measured = replace(measured, confidence_noise=quantiles(confs))
    if getattr(args, "write", False):
        measured.save(DEFAULT_PATH)
        print(f"wrote {DEFAULT_PATH}")
    return 0


def _report(
    measured: Confusions,
    fit: Sequence[tuple[Request, SimUser]],
    held: Sequence[tuple[Request, SimUser]],
    held_clips: Sequence[Clip],
) -> None:
    m = measured
    homes = len({r.home_id for r, _ in fit})
    print(f"fitted on {m.clips} clips, {len(m.voices)} voices, {homes} homes: WER {m.wer:.3f}, "
          f"names misheard {m.names_misheard:.3f}, heard as no speech {m.rejected:.3f}")  # fmt: skip
    print(
        "  per voice WER: "
        + ", ".join(f"{v} {w:.3f}" for v, w in sorted(m.voice_wer.items(), key=lambda x: x[1]))
    )
    for label, c in (("name phrases", m.phrase_consistency), ("other words", m.word_consistency)):
        print(f"  consistency, {label}: misheard again by the same voice {c.again:.2f} (another voice "
              f"{c.other_voice_again:.2f}), the same way {c.same:.2f} ({c.pairs} pairs)")  # fmt: skip
    worst = sorted((p for p in m.phrases.items() if p[1].n >= 8), key=lambda p: -p[1].error_rate)[:8]
    shown = [f"{p} {o.error_rate:.2f} ({', '.join(repr(a) for a in list(o.alts)[:2])})" for p, o in worst]
    print("  names most misheard: " + "; ".join(shown))
    real = pair_figures(_rows(held_clips, [c.heard for c in held_clips]))
    cal, hand = _model_figures(held, held_clips, measured)
    voices, n_homes = ", ".join(HELDOUT_VOICES), len({r.home_id for r, _ in held})
    print(f"held-out voices ({voices}), {len(held_clips)} requests of {n_homes} other homes:")
    print(f"  {'':<34}{'real recognizer':>18}{'calibrated model':>18}{'hand-set model':>18}")
    rows: list[tuple[str, Callable[[AsrFigures], str]]] = [
        ("word error rate", lambda f: f"{f.wer:.3f}"),
        ("requests not heard word for word", lambda f: f"{f.sentence_errors:.3f}"),
        ("names misheard (of names said)", lambda f: f"{f.names_misheard:.3f}"),
        ("heard as no speech", lambda f: f"{f.rejected:.3f}"),
    ]
    for label, get in rows:
        print(f"  {label:<34}" + "".join(f"{get(f):>18}" for f in (real, cal, hand)))
