"""Measure what the household's learned prompt does to the recognizer's mishearings, for the calibrated
ASR-error model (issue 18; :mod:`edge.lab.sim.prompt_effect`).

``python -m edge.lab.bench._prompt_effect [--homes N] [--per N] [--days N] [--write]``: the homes ``edge bench
asr_confusions`` fits on (its voices, speeds and noise), each first lived in by a simulated household for
``--days`` days with learning on to learn its prompt (as ``_prompt_cost`` does); then each home's requests
transcribed by the runtime's recognizer with the fixed prompt and with the home's learned requests before
it. The misheard rates per kind of item (a name phrase or a word; inside a learned request or not), the
ratios, and ``--write`` stores them. Then the held-out check: the held-out voices and homes of
``_prompt_cost``, where the model's prediction (each item's fixed-prompt outcome times its ratio) is set
beside what the recognizer did with the learned prompt. Transcripts are cached as ``edge bench
learning``'s (``$EDGE_SIM_ASR_CACHE``)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from edge.config import load_settings
from edge.lab.bench._learning_audio import cache_dir, recognizer_id
from edge.lab.bench._prompt_cost import SEED as HELD_SEED
from edge.lab.bench._prompt_cost import SIZES, learned_prompt
from edge.lab.bench.asr_confusions import SEED as FIT_SEED
from edge.lab.bench.asr_confusions import recognizer_or_skip
from edge.lab.sim.confusions_corpus import FIT_VOICES, HELDOUT_VOICES, Request, noise_files, requests
from edge.lab.sim.household_audio import AudioHearing, words
from edge.lab.sim.prompt_effect import KINDS, Learned, PairedClip, PromptEffect, measure
from edge.learning.vocabulary import prompt_vocabulary


def paired(
    audio: AudioHearing, held: Sequence[Request], prompts: dict[str, tuple[str, ...]]
) -> list[PairedClip]:
    """Each request heard with the fixed prompt and with its home's learned requests first (no speech: heard
    as nothing)."""
    out: list[PairedClip] = []
    for r in held:
        heard = []
        for learned in ((), prompts[r.home_id]):
            data = audio.transcript(
                r.voice, r.speed, r.said, prompt_vocabulary(learned, r.vocabulary), r.noise
            )
            heard.append(() if data["rejected"] else tuple(words(str(data["text"]))))
        names = tuple(" ".join(words(n)) for n in r.names)
        learned_words = Learned.of(words(q) for q in prompts[r.home_id])
        out.append(PairedClip(tuple(words(r.said)), heard[0], heard[1], names, learned_words))
    return out


def _table(effect: PromptEffect) -> str:
    lines = ["  kind        items  misheard, fixed prompt -> learned  ratio"]
    for k in KINDS:
        n, fixed, own = effect.counts[k]
        lines.append(
            f"  {k:<10} {n:>6}  {fixed / max(1, n):.3f} -> {own / max(1, n):.3f}  {effect.ratios[k]:.2f}"
        )
    return "\n".join(lines)


def held_check(effect: PromptEffect, clips: Sequence[PairedClip]) -> str:
    """The held-out clips: misheard with the learned prompt, measured and as the ratios predict."""
    got = measure(clips, prior=0.0)
    lines = ["  kind        items  fixed   learned: measured  predicted"]
    for k in KINDS:
        n, fixed, own = got.counts[k]
        predicted = fixed * effect.ratios[k]
        lines.append(
            f"  {k:<10} {n:>6}  {fixed / max(1, n):.3f}  {own / max(1, n):.3f}  {predicted / max(1, n):.3f}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--homes", type=int, default=8, help="fitted homes (asr_confusions' first ones)")
    ap.add_argument("--per", type=int, default=40, help="requests per fitted home")
    ap.add_argument("--held-homes", type=int, default=6)
    ap.add_argument("--held-per", type=int, default=16)
    ap.add_argument("--days", type=int, default=14, help="days lived in before the prompt is read")
    ap.add_argument("--write", action="store_true", help="write edge/lab/sim/prompt_effect.json")
    args = ap.parse_args(argv)
    settings = load_settings()
    recognizer = recognizer_or_skip(settings)
    if recognizer is None:
        return 0
    noise = noise_files(settings.shared_data())
    audio = AudioHearing(recognizer, cache_dir(), recognizer_id(settings))
    fit = [r for r, _ in requests(FIT_SEED, "cal", args.homes, args.per, voices=FIT_VOICES, noise=noise)]
    prompts = {
        f"cal{h:02d}": learned_prompt(f"cal{h:02d}", SIZES[h % 3], args.days, FIT_SEED)
        for h in range(args.homes)
    }
    source = (
        f"{len(fit)} requests of {args.homes} homes (asr_confusions' fitted voices, "
        f"{args.days} days learned), {recognizer_id(settings)}"
    )
    effect = measure(paired(audio, fit, prompts), source)
    print(f"fitted: {source}\n{_table(effect)}")
    held = [
        r
        for r, _ in requests(
            HELD_SEED, "held", args.held_homes, args.held_per, voices=HELDOUT_VOICES, noise=noise
        )
    ]
    held_prompts = {
        f"held{h:02d}": learned_prompt(f"held{h:02d}", SIZES[h % 3], args.days)
        for h in range(args.held_homes)
    }
    print(
        f"held out: {len(held)} requests of {args.held_homes} other homes, voices {', '.join(HELDOUT_VOICES)}"
    )
    print(held_check(effect, paired(audio, held, held_prompts)))
    print(f"({audio.synthesized} clips synthesized and transcribed, the rest cached)")
    if args.write:  # last: the households above learned their prompts hearing without it
        effect.save()
        print("written: edge/lab/sim/prompt_effect.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
