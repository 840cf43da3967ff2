"""What one plays, puts on or hears that is not media: the words after "play" / "put on" / "hear" that name
a game or sport, an instrument or clothing said with an article, an idiom ("play dead"), what the assistant
would say ("a joke", "your opinion"), a pronoun, or a device of the home ("put on the kettle").

Used twice (issue 14): :mod:`edge.nlu.media_requests` reads no media request for them, and the parser
vetoes the model's own ``HassMediaSearchAndPlay`` whose ``search_query`` is one ("can you play the piano",
"listen to me", "put on my shoes"). The lists are categories, not sentences: a title that is one of these
words said without an article stays media ("jazz piano", "blue suede shoes", "grateful dead"). Pure.
"""

from __future__ import annotations

from edge.context.model import ContextSnapshot
from edge.lang import model_tokens

__all__ = ["not_media", "only_determiners"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DETERMINERS = frozenset(
    {"a", "an", "the", "some", "my", "our", "your", "his", "her", "their", "this", "that"}
)
_ARTICLES = _DETERMINERS - {"this", "that"}
_GAMES = _words(
    # games and sports whose name is one word that is rarely a title: "play chess", "play some rummy"
    "chess checkers draughts poker blackjack solitaire monopoly scrabble bingo sudoku crossword trivia quiz "
    "charades hangman dominoes backgammon jenga uno lottery lotto hopscotch jigsaw riddles dice marbles "
    "rummy canasta cribbage mahjong pictionary cluedo battleship yahtzee boggle tetris wordle minecraft "
    "fortnite roblox pokemon zelda fifa cards football soccer tennis golf basketball baseball cricket "
    "hockey rugby volleyball badminton squash pingpong darts bowling frisbee snooker billiards pool "
    "videogames"
)  # fmt: skip
_WITH_ARTICLE = _words(
    # said after an article or a possessive: "the piano", "my shoes", "a joke" ("some jazz piano" and
    # "blue suede shoes" are music)
    "piano guitar violin viola drums drum cello flute trumpet saxophone sax ukulele harp clarinet harmonica "
    "keyboard organ banjo trombone accordion bagpipes tuba oboe bassoon xylophone recorder "
    "shoes shoe coat jacket hat cap socks gloves scarf sweater jumper boots clothes pajamas pyjamas glasses "
    "makeup lipstick sunscreen weight apron mask helmet dress shirt pants trousers kettle coffee tea dinner "
    "joke jokes poem fact facts opinion voice thoughts advice weather forecast time temperature traffic tv "
    "television telly"
)  # fmt: skip
_PHRASES = frozenset(
    # the whole of what follows the verb (after an article): games of more than one word, idioms
    {"game", "games", "board game", "board games", "video game", "video games", "card game", "card games",
     "computer game", "computer games", "a game", "some games", "hide and seek", "i spy", "eye spy",
     "twenty questions", "20 questions", "rock paper scissors", "simon says", "tic tac toe",
     "noughts and crosses", "truth or dare", "would you rather", "never have i ever", "hot potato",
     "musical chairs", "duck duck goose", "word association", "go fish", "crazy eights", "gin rummy",
     "connect four", "connect 4", "snakes and ladders", "chutes and ladders", "guess who", "candy crush",
     "clash of clans", "among us", "pac man", "mario kart", "super mario", "call of duty", "angry birds",
     "grand theft auto", "animal crossing", "world of warcraft", "league of legends", "counter strike",
     "rocket league", "the sims", "street fighter", "mortal kombat", "donkey kong", "space invaders",
     "dungeons and dragons", "settlers of catan", "catan", "ping pong", "table tennis", "hard to get",
     "it by ear", "by ear", "along", "outside", "around", "together", "it cool", "it safe", "the field",
     "god", "house", "dress up", "a show", "a brave face", "face", "airs", "dead", "fair", "nice", "dumb",
     "hooky", "truant", "pretend", "possum", "fool", "victim", "ball", "rough", "safe", "cool", "tag",
     "catch", "fetch", "tricks", "trick", "prank", "pranks", "coffee", "tea", "weight", "again", "more",
     "me", "you", "us", "him", "her", "them", "it", "this", "that", "yourself", "something", "anything"}
)  # fmt: skip
_PLACES_AFTER = frozenset({"in", "on", "at", "with", "against", "outside", "after", "before", "for"})
"""Words that open what is said after a game ("soccer in the garden")."""
_OPENERS = frozenset({"your", "yourself", "with", "what", "how", "why", "if", "whether", "against"})
"""First words of what is heard that make it no title: "your opinion", "with the dog", "what you think"."""
_BROAD_OPENERS = frozenset(
    {"me", "you", "us", "him", "her", "them", "it", "this", "that", "these", "those", "something",
     "anything", "nothing", "everything", "for", "to", "who", "when", "where", "the screen", "screen"}
)  # fmt: skip
"""More first words that stop the runtime's own reading (not the model's: "play this podcast" is the
model's to read)."""


def not_media(query: str, snapshot: ContextSnapshot, *, broad: bool = False) -> bool:
    """Whether ``query`` (what follows "play" / "put on" / "hear") is not media. ``broad``: also a query
    that opens with a pronoun or "for" / "to" ("play that podcast", "play for me jazz"), which the runtime's
    own reading leaves to the model."""
    words = model_tokens(query)
    if not words:
        return True
    if words[0] in _OPENERS or (
        broad and (words[0] in _BROAD_OPENERS or " ".join(words[:2]) in _BROAD_OPENERS)
    ):
        return True  # "let me hear your opinion", "play with the dog"
    article = words[0] in _DETERMINERS and len(words) > 1
    rest = words[1:] if article else words
    said = " ".join(rest)
    if said in _PHRASES or " ".join(words) in _PHRASES or rest[-1] in _GAMES:
        return True  # "play dead", "play the victim", "play a board game", "play some rummy"
    if article and len(rest) <= 2 and rest[-1] in _WITH_ARTICLE:
        return True  # "can you play the piano", "put on my shoes"
    if len(rest) >= 2 and rest[-2] == "with" and rest[-1] in {"me", "us", "you"}:
        return True  # "play tennis with me"
    if (cut := next((i for i, w in enumerate(rest) if w in _PLACES_AFTER and i > 0), 0)) and (
        rest[cut - 1] in _GAMES or " ".join(rest[:cut]) in _PHRASES
    ):
        return True  # "play soccer in the garden", "play chess against the computer", "play cards with mum"
    if "you said" in said or "you just said" in said:
        return True  # "i would like to hear the last one you said again"
    names = _device_names(snapshot)
    return said in names or " ".join(words) in names  # "put on the kettle"; an area's name may be a title


def only_determiners(query: str) -> bool:
    """Whether ``query`` is no more than articles and possessives ("the", "my"): what the tagger leaves
    of "put on the tv" or "put on my dinner party playlist", never a search."""
    return all(w in _ARTICLES for w in model_tokens(query))


def _device_names(snapshot: ContextSnapshot) -> set[str]:
    names: set[str] = set()
    for device in snapshot.devices.values():
        names.update(" ".join(model_tokens(n)) for n in (device.name, *device.aliases))
    return names - {""}
