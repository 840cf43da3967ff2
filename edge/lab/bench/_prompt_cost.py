"""What the household's prompt costs on speech outside it (issue 18, ``learning.prompt``).

``python -m edge.lab.bench._prompt_cost [--homes N] [--per N] [--days N]``: the held-out homes of ``edge
bench asr_confusions`` (their requests said by its four held-out voices, clean or over the shared background
noise), each home first lived in by a simulated household for ``--days`` days with learning on (the
calibrated ASR-error model: no audio) to learn its prompt (:func:`edge.learning.vocabulary.household_prompt`).
Then each request is transcribed by the runtime's recognizer with three prompts: the fixed one (command verbs,
the home's names and areas), the home's own learned prompt before it, and another home's learned prompt
before it (every learned request about devices this home does not have: speech wholly outside the learned
part). Word error rate and names misheard for each, the own prompt's split by whether the request said is
one of the prompt's requests, and how often a learned request the speaker did not say turns up in what was
heard (Whisper copying its prompt). Then background noise alone and near-silence through the same three
prompts: how many transcripts the rejection rules let through, and how many of those copy a prompt phrase.
Transcripts of speech are cached as ``edge bench learning``'s (``$EDGE_SIM_ASR_CACHE``).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from edge.asr.base import Recognizer
from edge.audio.io import read_audio
from edge.config import Settings, load_settings
from edge.lab.bench._learning_audio import cache_dir, recognizer_id
from edge.lab.bench.asr_confusions import recognizer_or_skip
from edge.lab.sim.arms import nightly
from edge.lab.sim.confusions_corpus import HELDOUT_VOICES, Request, noise_files, noise_windows, requests
from edge.lab.sim.household import simulate_home
from edge.lab.sim.household_audio import AsrFigures, AudioHearing, pair_figures, words
from edge.learning.loop import Learner
from edge.learning.vocabulary import prompt_vocabulary

SEED = 20261207  # asr_confusions' held-out homes (its SEED + 1)
SIZES = ("small", "medium", "large")
NOISE_CLIPS = 40
SILENCE_CLIPS = 10


def learned_prompt(home_id: str, size: str, days: int, seed: int = SEED) -> tuple[str, ...]:
    """The prompt a simulated household of ``home_id`` (of ``seed``'s homes) learns in ``days`` days
    (learning on)."""
    learner = Learner()
    simulate_home(seed, home_id, days, nightly(learner), size=size, asr_model="calibrated")
    return learner.table.prompt


def _copied(heard: Sequence[str], said: Sequence[str], prompt: Sequence[str]) -> bool:
    """A learned request in what was heard that was not said (Whisper copying its prompt)."""
    h, s = f" {' '.join(heard)} ", f" {' '.join(said)} "
    return any(f" {p} " in h and f" {p} " not in s for p in (" ".join(words(q)) for q in prompt) if p)


def _line(label: str, f: AsrFigures, extra: str = "") -> str:
    return (
        f"  {label:<38} {f.utterances:>4} clips  WER {f.wer:.3f}  not word for word {f.sentence_errors:.3f}  "
        f"names misheard {f.names_misheard:.3f} of {f.names}  no speech {f.rejected:.3f}{extra}"
    )


Row = tuple[list[str], list[str], set[str], bool]


def speech(audio: AudioHearing, held: Sequence[Request], prompts: dict[str, tuple[str, ...]]) -> None:
    homes = sorted(prompts)
    other = {h: homes[(k + 1) % len(homes)] for k, h in enumerate(homes)}
    print(f"speech: {len(held)} requests of {len(homes)} homes, held-out voices {', '.join(HELDOUT_VOICES)}")
    by_cond: dict[str, list[Row]] = {}
    for cond in ("fixed", "own", "other"):
        rows: list[Row] = []
        copies = 0
        for r in held:
            source = other[r.home_id] if cond == "other" else r.home_id
            learned = () if cond == "fixed" else prompts[source]
            data = audio.transcript(
                r.voice, r.speed, r.said, prompt_vocabulary(learned, r.vocabulary), r.noise
            )
            said = words(r.said)
            heard = [] if data["rejected"] else words(str(data["text"]))
            rows.append((said, heard, {" ".join(words(n)) for n in r.names}, bool(data["rejected"])))
            copies += _copied(heard, said, prompts[source])
        by_cond[cond] = rows
        print(_line(f"{cond} prompt", pair_figures(rows), f"  learned request copied {copies}"))
    inside = [" ".join(words(r.said)) in {" ".join(words(p)) for p in prompts[r.home_id]} for r in held]
    for said_in in (True, False):
        for cond in ("fixed", "own"):
            rows = [row for row, i in zip(by_cond[cond], inside, strict=True) if i == said_in]
            where = "in the home's learned prompt" if said_in else "not in it"
            print(_line(f"requests {where}, {cond} prompt", pair_figures(rows)))


def no_speech(recognizer: Recognizer, noise: list[Path], vocab: Mapping[str, Sequence[str]],
              prompts: dict[str, tuple[str, ...]]) -> None:  # fmt: skip
    """Background noise alone and near-silence through each prompt: transcripts let through, copies."""
    rng = np.random.default_rng(SEED)
    clips = []
    for path, start, length in noise_windows(noise, NOISE_CLIPS, SEED):
        bed = read_audio(path)
        clips.append(bed[(np.arange(int(length * 16000)) + int(start * 16000)) % max(1, len(bed))])
    for _ in range(SILENCE_CLIPS):  # a quiet room: a little hiss
        clips.append(
            np.clip(rng.normal(0, 30, int(rng.uniform(1.5, 4.0) * 16000)), -32768, 32767).astype(np.int16)
        )
    homes = sorted(prompts)
    print(f"no speech: {len(clips) - SILENCE_CLIPS} stretches of background noise, {SILENCE_CLIPS} of hiss")
    for cond in ("fixed", "own"):
        through = copies = 0
        shown: list[str] = []
        for k, samples in enumerate(clips):
            home = homes[k % len(homes)]
            learned = prompts[home] if cond == "own" else ()
            t = recognizer.transcribe(samples, prompt_vocabulary(learned, vocab[home]))
            if not t.rejected:
                through += 1
                heard = words(t.text)
                copy = _copied(heard, [], prompts[home])
                copies += copy
                shown.append(f"{t.text!r}{' (copied)' if copy else ''}")
        print(f"  {cond} prompt: {through} of {len(clips)} let through, {copies} a learned request"
              + (f": {'; '.join(shown[:8])}" if shown else ""))  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--homes", type=int, default=4)
    ap.add_argument("--per", type=int, default=12)
    ap.add_argument("--days", type=int, default=14)
    args = ap.parse_args(argv)
    settings: Settings = load_settings()
    recognizer = recognizer_or_skip(settings)
    if recognizer is None:
        return 0
    noise = noise_files(settings.shared_data())
    held = [r for r, _ in requests(SEED, "held", args.homes, args.per, voices=HELDOUT_VOICES, noise=noise)]
    prompts = {
        f"held{h:02d}": learned_prompt(f"held{h:02d}", SIZES[h % 3], args.days) for h in range(args.homes)
    }
    for home, p in prompts.items():
        print(f"{home}: learned {len(p)} requests, e.g. {', '.join(p[:4])}")
    audio = AudioHearing(recognizer, cache_dir(), recognizer_id(settings))
    speech(audio, held, prompts)
    vocab = {r.home_id: r.vocabulary for r in held}
    if noise:
        no_speech(recognizer, noise, vocab, prompts)
    else:
        print("no background noise (<shared data>/wakeword/background_noise): the no-speech part skipped")
    print(f"({audio.synthesized} clips synthesized and transcribed, the rest cached)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
