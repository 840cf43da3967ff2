"""Word pools of the household data's eighth pass (``templates_household_eighth``): films, shows and songs to
be played beside the game titles, and scene and script names of more than one word said whole. Written for
this project from general knowledge (Apache-2.0), never from evaluation sentences: none is a title or name an
evaluation set uses ("frozen", "paw patrol", "the matrix", "breaking bad"; the catalogue home's "Movie Night",
"Good Night", "Party Mode", "Stealth Mode"), none a game title of the game negatives, and none in a held-out
HWU64 sentence (tests check each)."""

from __future__ import annotations

__all__ = ["FILM_SHOW_TITLES", "SONG_TITLES", "WHOLE_SCENE_NAMES", "WHOLE_SCRIPT_NAMES"]

FILM_SHOW_TITLES = (
    "finding nemo", "moana", "encanto", "inside out", "shrek", "the incredibles", "ratatouille",
    "zootopia", "coco", "tangled", "aladdin", "mulan", "the little mermaid", "beauty and the beast",
    "cinderella", "bambi", "dumbo", "pinocchio", "the jungle book", "peter pan", "the sound of music",
    "star wars", "the empire strikes back", "back to the future", "ghostbusters", "the goonies",
    "top gun", "avatar", "the avengers", "black panther", "iron man", "the dark knight",
    "batman begins", "inception", "interstellar", "the prestige", "gladiator", "forrest gump",
    "the shawshank redemption", "pulp fiction", "casablanca", "home alone", "love actually", "the grinch",
    "paddington", "mamma mia", "grease", "dirty dancing", "the wizard of oz", "the terminator",
    "psycho", "vertigo", "notting hill", "barbie", "oppenheimer", "kung fu panda", "madagascar",
    "despicable me", "minions", "how to train your dragon", "ice age", "the secret life of pets",
    "happy feet", "monsters inc", "a bugs life", "brave", "luca", "turning red", "the polar express",
    "the nightmare before christmas", "hocus pocus", "mrs doubtfire", "jumanji", "men in black",
    "the truman show", "groundhog day", "the big lebowski", "goodfellas", "the departed", "la la land",
    "whiplash", "the social network", "stranger things", "the crown", "peppa pig", "bluey",
    "sesame street", "the simpsons", "family guy", "south park", "game of thrones", "the mandalorian",
    "succession", "ted lasso", "the great british bake off", "doctor who", "downton abbey",
    "the big bang theory", "how i met your mother", "seinfeld", "the sopranos", "mad men",
    "greys anatomy", "gilmore girls", "parks and recreation", "modern family",
    "the good place", "bridgerton", "planet earth", "blue planet", "masterchef", "dora the explorer",
    "spongebob squarepants", "thomas the tank engine", "fireman sam", "hey duggee", "cocomelon",
    "in the night garden", "the gruffalo", "octonauts", "pj masks", "the lego movie", "finding dory",
    "the mitchells", "wallace and gromit", "shaun the sheep", "chicken run", "the iron giant",
)  # fmt: skip
"""Films and shows: "play <title>" on a satellite plays it (on a screen as a film, elsewhere as audio)."""

SONG_TITLES = (
    "hotel california", "let it be", "hey jude", "shake it off", "rolling in the deep", "billie jean",
    "purple rain", "wonderwall", "dancing queen", "sweet caroline", "take on me", "mr brightside",
    "uptown funk", "shape of you", "blinding lights", "bad guy", "levitating", "as it was",
    "here comes the sun", "fix you", "smells like teen spirit", "stairway to heaven", "like a rolling stone",
    "crazy in love", "someone like you", "thinking out loud", "despacito", "viva la vida", "firework",
    "no woman no cry", "superstition", "dancing in the dark",
    "born to run", "livin on a prayer", "sweet child o mine", "dont stop believin", "the sound of silence",
    "a hard days night", "yellow submarine", "under pressure", "go your own way", "karma police",
    "lose yourself", "single ladies", "rocket man", "tiny dancer", "piano man",
)  # fmt: skip
"""Songs: "play <song>" is music, whatever words the song has ("blinding lights", "here comes the sun")."""

WHOLE_SCENE_NAMES = (
    "date night", "game night", "family night", "late night", "quiet night", "girls night", "cinema time",
    "film evening", "dinner time", "lazy sunday", "sunday morning", "rise and shine", "coming home",
    "deep focus", "study time", "homework time", "story time", "bath time", "nap time", "cozy corner",
    "romantic dinner", "bright morning", "soft evening", "sunset glow", "ocean breeze", "forest walk",
    "winter warmth", "summer evening", "spring morning", "chill out", "karaoke night",
    "yoga session", "welcome home", "sleepy time", "evening glow", "candle dinner", "reading nook",
    "board game evening", "tea time", "quiet morning", "sunday brunch", "late show", "midnight snack",
)  # fmt: skip
"""Scene names of more than one word, several sharing their last word ("date night", "game night")."""

WHOLE_SCRIPT_NAMES = (
    "feed the fish", "start the day", "night mode",
    "morning coffee", "leave for work", "kids bedtime", "tidy up", "wind down", "secure the house",
    "morning briefing", "evening routine", "school run", "close up shop", "back from holiday",
    "heat the pool", "open the house", "end of day",
)  # fmt: skip
"""Script names of more than one word."""
