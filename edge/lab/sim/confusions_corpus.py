"""What the confusions are measured on: the simulator's own requests (its homes, users, goals and
phrasings over seeded homes), each spoken by one of the home's users' espeak-ng voices at a speed and a
noise level, with the home's recognizer prompt (:func:`edge.app.asr_vocabulary`), as the device hears it.
The fitted voices and the held-out voices never meet."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from edge.app import asr_vocabulary
from edge.context.model import Satellite
from edge.lab.sim.confusions_model import name_phrases
from edge.lab.sim.household_audio import NoiseMix
from edge.lab.sim.household_home import SimHome, make_home
from edge.lab.sim.household_runtime import START
from edge.lab.sim.local import LocalHome
from edge.lab.sim.users import SimUser, make_user

__all__ = ["FIT_VOICES", "HELDOUT_VOICES", "SNR_DB", "Request", "noise_files", "noise_windows", "requests"]

# accents (espeak-ng languages) x voice variants; four of the household simulator's voices are held out.
# Not en-gb-x-gbclan: Whisper tiny.en heard 97% of its words wrong (espeak-ng's Lancaster phonemes are not
# speech it can follow; a household whose device understands nothing is not what the simulator models)
FIT_VOICES = (
    "en-us", "en-gb", "en-us+m3", "en-gb-x-rp", "en-us+f2", "en-gb-scotland+f4", "en-029+m2",
    "en-us-nyc+f5", "en-us+m4", "en-us+m7", "en-gb+f1", "en-gb-x-gbcwmd+m1",
)  # fmt: skip
HELDOUT_VOICES = ("en-us+f3", "en-029", "en-us-nyc", "en-gb-scotland")
SNR_DB = (None, 20.0, 10.0)  # clean, then speech over noise at these signal-to-noise ratios
SPEEDS = tuple(range(130, 191, 10))


@dataclass(frozen=True, slots=True)
class Request:
    """One clip to transcribe: words, the speaker's voice and speed, noise, the home's prompt and names."""

    home_id: str
    user_id: str
    said: str
    voice: str
    speed: int
    noise: NoiseMix | None
    vocabulary: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def condition(self) -> str:
        return f"{self.noise.snr_db:g} dB" if self.noise else "clean"


def noise_files(shared_data: Path | None) -> list[Path]:
    """The background-noise WAVs (``<shared data>/wakeword/background_noise``); none when absent."""
    if shared_data is None:
        return []
    return sorted((shared_data / "wakeword" / "background_noise").glob("*.wav"))


def noise_windows(noise: list[Path], n: int, seed: int) -> list[tuple[Path, float, float]]:
    """``n`` stretches of background noise alone, as a false wake hears it: (file, start s, length s),
    1.5-4 s long from anywhere in a file (a start past a file's end wraps when read)."""
    rng = random.Random(f"{seed}:noise")
    return [(rng.choice(noise), round(rng.uniform(0.0, 30.0), 2), round(rng.uniform(1.5, 4.0), 2))
            for _ in range(n if noise else 0)]  # fmt: skip


def _vocabulary(home: SimHome) -> tuple[str, ...]:
    local = LocalHome(home.to_home(), Satellite(area=home.area), start=START, home_id=home.home_id)
    return tuple(asr_vocabulary(local.snapshot()))


def requests(
    seed: int, prefix: str, homes: int, per_home: int, *, voices: tuple[str, ...], noise: list[Path]
) -> list[tuple[Request, SimUser]]:
    """``per_home`` requests of each of ``homes`` seeded homes (ids ``<prefix>NN``), each said by one of the
    home's two users, whose voices come from ``voices`` in turn (so every voice speaks in several homes);
    speeds 130-190 words a minute; clean or over noise (clean only when ``noise`` is empty)."""
    out: list[tuple[Request, SimUser]] = []
    for h in range(homes):
        home_id = f"{prefix}{h:02d}"
        hrng = random.Random(f"{seed}:{home_id}:home")
        home = make_home(home_id, hrng, ("small", "medium", "large")[h % 3])
        users = [make_user(f"{home_id}-u{k}", home, hrng) for k in range(2)]
        user_voice = [voices[(2 * h + k) % len(voices)] for k in range(2)]
        vocabulary, names = _vocabulary(home), tuple(sorted(name_phrases(home)))
        rng = random.Random(f"{seed}:{home_id}:requests")
        for g in range(per_home):
            k = g % 2
            user = users[k]
            said = user.say(user.goal(home, rng), home, rng.choice((0, 0, 0, 1, 2)), rng)
            snr = rng.choice(SNR_DB) if noise else None
            mix = None
            if snr is not None:
                mix = NoiseMix(rng.choice(noise), snr, round(rng.uniform(0.0, 50.0), 1))
            req = Request(
                home_id, user.user_id, said, user_voice[k], rng.choice(SPEEDS), mix, vocabulary, names
            )
            out.append((req, user))
    return out
