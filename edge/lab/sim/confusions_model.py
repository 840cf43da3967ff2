"""A simulated speaker's ears, drawn from the real recognizer's measured confusions
(:mod:`edge.lab.sim.confusions`): a voice-like profile, not a hand-set rate.

Each speaker has a severity (the measured per-voice word error rate over the mean, drawn from the fitted
voices) and, per word or name phrase, a fixed draw of whether this voice trips the recognizer on it and how
("imagine dragons" -> "imagine dragon's"): a troubled item is misheard at the measured repeat rate
(``Consistency.again``) and then the speaker's own way at the measured ``same`` rate, else as another
measured alternative; so the marginal error rate of every item is its measured rate times the severity.
Items the measurement never saw back off to the words' rates, then to the rate of rarely-seen words with a
letter-level mishearing (:func:`edge.lab.sim.asr_errors.perturb_word`). Inserted words come at the
measured rate; a transcript's confidence is drawn from the measured quantiles of transcripts with as many
words wrong (``Confusions.confidence_quantiles``: a garbled request gets less than one slipped word).
Items are misheard independently of each other: the recognizer's errors cluster more (fewer utterances
misheard, more words each; ``Confusions.clip_wer``), which scaling the rates per utterance reproduced only
by losing a third of the errors to rates capped at 1, so it is not done. While the home's prompt holds
learned requests (``hear(..., learned=)``) each item's rate is multiplied by the measured effect of that
prompt (:mod:`edge.lab.sim.prompt_effect`: less for a name or word inside a learned request). Pure given a
``random.Random``."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from edge.lab.sim.asr_errors import perturb_word
from edge.lab.sim.confusions import Confusions, Outcomes, find_phrases
from edge.lab.sim.household_home import ARTISTS, SimHome
from edge.lab.sim.prompt_effect import NO_PROMPT, Learned, PromptEffect

__all__ = ["MIN_SEEN", "CalibratedASR", "name_phrases"]

MIN_SEEN = 4  # fewer observations than this: back off (a rate from 1-3 clips is noise)


def name_phrases(home: SimHome) -> frozenset[str]:
    """What a home's people say as names: device names and aliases, rooms, artists, nicknames."""
    names = {d.name.lower() for d in home.devices.values()}
    names |= {a.lower() for d in home.devices.values() for a in d.aliases}
    names |= {d.area.lower() for d in home.devices.values() if d.area}
    names |= {a.lower() for a in ARTISTS} | {n.lower() for n in home.nicknames}
    return frozenset(n for n in names if n.strip())


def _draw(alts: Mapping[str, int], rng: random.Random) -> str | None:
    if not alts:
        return None
    keys = sorted(alts)
    return rng.choices(keys, [alts[k] for k in keys])[0]


def _quantile_draw(quantiles: tuple[float, ...], rng: random.Random) -> float:
    u = rng.random() * (len(quantiles) - 1)
    k = min(int(u), len(quantiles) - 2)
    return quantiles[k] + (u - k) * (quantiles[k + 1] - quantiles[k])


@dataclass(frozen=True, slots=True)
class CalibratedASR:
    """``names`` the home's name phrases (heard as units); ``seed`` fixes this speaker's troubles;
    ``prompt`` the learned prompt's measured effect (None: the fixed prompt's rates whatever it holds)."""

    confusions: Confusions
    seed: str
    severity: float = 1.0
    names: frozenset[str] = frozenset()
    prompt: PromptEffect | None = None

    @classmethod
    def sample(
        cls,
        rng: random.Random,
        confusions: Confusions,
        names: frozenset[str],
        prompt: PromptEffect | None = None,
    ) -> CalibratedASR:
        mean = confusions.wer or 1.0
        ratios = sorted(w / mean for w in confusions.voice_wer.values()) or [1.0]
        return cls(confusions, f"{rng.getrandbits(64):x}", rng.choice(ratios), names, prompt)

    def _rare(self) -> float:
        """The error rate of words seen fewer than MIN_SEEN times (the measured back-off)."""
        rare = [o for o in self.confusions.words.values() if o.n < MIN_SEEN]
        n = sum(o.n for o in rare)
        return 1.0 - sum(o.ok for o in rare) / n if n else self.confusions.wer

    def _stats(self, item: str) -> Outcomes | None:
        c = self.confusions
        table = c.phrases if item in self.names or " " in item else c.words
        o = table.get(item) or c.words.get(item)
        return o if o is not None and o.n >= MIN_SEEN else None

    def _hear_item(self, item: str, rng: random.Random, *, phrase: bool, learned: Learned) -> str:
        """One word or name phrase as this speaker's voice comes out of the recognizer."""
        stats = self._stats(item)
        if stats is None and " " in item:  # an unseen name: word by word
            heard = (self._hear_item(w, rng, phrase=phrase, learned=learned) for w in item.split())
            return " ".join(w for w in heard if w)
        cons = self.confusions.phrase_consistency if phrase else self.confusions.word_consistency
        again = max(cons.again, 0.05)
        effect = self.prompt.factor(item, phrase=phrase, learned=learned) if self.prompt else 1.0
        rate = min(1.0, (stats.error_rate if stats else self._rare()) * self.severity * effect)
        if rate <= 0.0:
            return item
        trng = random.Random(f"{self.seed}:{item}")  # this voice's fixed trouble with this item
        if trng.random() >= min(1.0, rate / again):
            return item
        own = self._alternative(item, stats, trng)
        if rng.random() >= max(again, rate):
            return item
        if rng.random() < cons.same:
            return own
        return self._alternative(item, stats, rng)

    @staticmethod
    def _alternative(item: str, stats: Outcomes | None, rng: random.Random) -> str:
        alt = _draw(stats.alts, rng) if stats else None
        if alt is None:
            alt = perturb_word(item, rng) if rng.random() < 0.8 else ""
        return alt

    def hear(self, said: str, rng: random.Random, learned: Learned = NO_PROMPT) -> tuple[str, bool]:
        """What the recognizer outputs (``""``: it heard no speech) and whether it differs from ``said``;
        ``learned`` the requests the home's prompt holds before the fixed list."""
        if rng.random() < self.confusions.rejected:
            return "", True
        toks = said.split()
        spans = dict(find_phrases(toks, self.names))
        out: list[str] = []
        i = 0
        while i < len(toks):
            name = spans.get(i)
            item = name or toks[i]
            heard = self._hear_item(item, rng, phrase=name is not None, learned=learned)
            if heard:
                out.append(heard)
            if rng.random() < self.confusions.insertion_rate * self.severity:
                extra = _draw(self.confusions.insertions, rng)
                if extra:
                    out.append(extra)
            i += len(name.split()) if name else 1
        heard_text = " ".join(out)
        return heard_text, heard_text != said

    def confidence(self, said: str, heard: str, rng: random.Random) -> float:
        """Drawn from the measured confidences of transcripts with this word error rate (one draw)."""
        s, h = said.split(), heard.split()
        wer = Levenshtein.distance(s, h) / max(1, len(s))
        quantiles = self.confusions.confidence_quantiles(wer, rejected=not h and bool(s))
        return _quantile_draw(quantiles, rng)

    def noise_confidence(self, rng: random.Random) -> float:
        """Drawn from the recognizer's measured confidence on background noise alone (0: none measured)."""
        noise = self.confusions.confidence_noise
        return _quantile_draw(noise, rng) if noise else 0.0
