"""Harsh acts by what they mean, however politely they are put.

A conditional consequence ("if you don't come down, I'll have to place you in custody"), a
"don't make me ...", an ultimatum ("this is the last time I'm asking nicely"), a hurry-up ("I
have other calls waiting") or a dismissal with a reason ("the voices aren't real, so ...") is a
threat, countdown, minimising or disrespect whatever "please" and "sir" surround it. A
consequence is a threat only when what it says is coercive (arrest, force, custody, ...): the word
list decides, and an optional ``coercive`` judge (the analyzer's MiniLM check) reads the meaning of
consequences the list does not know. A condition may take any shape ("unless …", "or else",
"either … or", "keep … and you'll …", "you don't want me to …"). A sentence no frame matches may
be read by meaning (``meaning.HarshMeaning``). Each hit keeps the words that carry it, to quote
in a review.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from appliance.dialogue.speech import strip_lead

# Whether a consequence clause is coercive; the flag says whether its frame demands something
# (a refusal condition, "or else", "don't make me"): without a demand the bar is higher.
Judge = Callable[[str, bool], bool]


@dataclass(frozen=True)
class HarshHit:
    """One harsh act found in a sentence: the act, what kind of harshness, and the words."""

    act: str
    kind: str
    phrase: str


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# Force, arrest or custody: coercive after any condition ("if you come back, you'll be arrested").
FORCE = _rx(
    r"\b(arrest\w*|custody|cuff\w*|handcuff\w*|jail|a cell|lock(ed)? (you )?up|book(ed)? you|"
    r"force|forcibly|tase\w*|taser|shoot|pepper|spray|"
    r"take you (in|down|to jail|to the ground|into)|"
    r"taking you (in|into|down)|put you (in|on the ground|down|under|into)|remove you|removed|"
    r"pull you|drag\w*|carry you|restrain\w*|detain\w*|kick\w* (it|the door|in|down)|"
    r"break\w* (it|the door|down|in)|(the|a|paddy) wagon|"
    r"force (it|the door|entry)|committed|commit you|(seventy-two|72)[- ]hour|"
    r"against your will|whether you (like|want)|back of (my|the) (car|cruiser)|cruiser|"
    r"squad car|physically|hands on|put (my|our) hands on|hurt you|swat|k-?9|dog on you|"
    r"ends? badly|regret|hard way|go hands|escort you|pull(ed)? you down|"
    r"the (hospital|ambulance) whether|take the door off|take (your|the) (phone|keys|car)|"
    r"confiscate\w*|seize\w*|hurt (anybody|anyone|somebody)|break (the|your) window|"
    r"pull(ing)? you out|in jail)\b"
)
# Sanctions that are also ordinary options ("a ticket or a warning"): coercive only as the price
# of refusing ("if it's not moved, it'll be towed").
SANCTION = _rx(
    r"\b(charge[ds]?|charging|cite[ds]?|cited|citation|ticket\w*|write you up|tow\w*|impound\w*|"
    r"hold\b|"
    r"backup|back-up|sergeant|the team|sending (the team|them|officers) in|coming in|evaluation|"
    r"obstruction|trespass\w*|a \w+ you won't like|what happens next)\b"
)
_NEGATION = _rx(
    r"\b(not|no|never|nobody|nobody's|no one|no one's|nothing|without|don't|dont|won't|wont|"
    r"can't|cant|isn't|isnt|aren't|arent|wasn't|didn't|didnt|doesn't|doesnt|wouldn't|ain't)\b"
    r"(\s+[\w']+){0,4}\s*$"
    # "don't ever feel like you need to speed up" lifts an obligation, further back
    r"|\b(don't|dont|do not|never)\s+(ever\s+)?(feel|think)\s+(like\s+|that\s+)?you\s+(need|have|"
    r"got)\s+to(\s+[\w']+){0,2}\s*$"
)
# Where a condition starts, and where its consequence (the main clause) begins.
_CONDITION = _rx(
    r"\b(if|unless|should)\s+(you|you're|youre|you've|you'd|i|i'm|im|this|that|it|it's|its|we|"
    r"anyone|anybody|someone|somebody|they|the|your|that's|there's|he|she)\b"
    r"|\bin case you\b"
)
_CONSEQUENCE_START = _rx(
    r"(?:^|[,;]\s*|\s)(?=(?:then\s+)?(?:i'll|ill|i will|we'll|we will|you'll|youll|you will|"
    r"i'm going|im going|i'm gonna|im gonna|we're going|were going|we're gonna|were gonna|"
    r"you're going|youre going|you're gonna|youre gonna|i have to|we have to|i'd have|"
    r"we'd have|i'll have|i can|we can|you can|that's|thats|it's|its|this conversation|"
    r"this ends|the next|there will|you're|youre)\b)"
)
# A condition that demands compliance: a refusal, a continuing behaviour, "if I have to".
_REFUSAL = _rx(
    r"\b(don't|dont|do not|doesn't|doesnt|won't|wont|will not|can't|cannot|refuse\w*|keep|"
    r"continue\w*|haven't|hasn't|isn't|"
    r"isnt|aren't|arent|not|still|again|have to|make me|make us|one more)\b"
)
# "Don't make me come over there": whatever follows, the officer warns of what they will do.
_MAKE_ME = _rx(
    r"\b(don't|dont|do not|let's not|lets not) (make|force) (me|us) (to )?"
    r"(?!(laugh|cry|smile|blush|beg)\b)\w+"
)
# "You don't want me to call your mom? Then I won't." grants the wish instead of warning.
_GRANTED = _rx(
    r"\b(i|we) (won't|wont|will not)\b|\bthat's (fine|okay|ok|alright)\b"
    r"|\b(we'll|i'll|ill) (just )?(stay|wait|keep)\b"
)
_OFFER = _rx(r"(i|we|you|they) (can|could|may)\b")
# The officer's own pace ("I'll be quick") is a kindness, not a hurry-up.
_OWN_PACE = _rx(
    r"\b(i'll|ill|i will|i can|we'll|we will|we can|i'm going to|im going to|let me)\s+"
    r"(\w+\s+){0,4}(be quick|quickly|make (it|this) (quick|fast|short))"
)
_CHOICE = _rx(
    r"\b(otherwise|or else)\b,?\s*(?P<rest>.*)"
    r"|,?\s*\bor\s+(?P<rest2>(i|we|you|they|i'll|ill|we'll|you'll|youll|they'll|i'm|im|we're|"
    r"were|you're|youre|this|it|it'll|things)\b.*)"
)
# An order or a behaviour joined to what follows it: "keep pushing and you'll ...", "one more
# step and I'll ...".
_AND_THEN = _rx(
    r"^(keep|continue|one more|another|try|do (that|it|this)|take (one|another)|make (one|another)"
    r"|push|touch|say|reach|move)\b[^,]*?,?\s+and\s+(?P<rest>(you|you'll|youll|you're|youre|i|"
    r"i'll|ill|i'm|im|we|we'll|we're|were|they|they'll|this|it|it'll|things)\b.*)"
)
_RELUCTANT = _rx(
    r"\b(don't|dont|do not|let's not|lets not) (make|force) (me|us)\b"
    r"|\byou (really |probably )?(don't|dont|do not) want (me|us|them) to\b"
    r"|\b(want|like|hate for|wants|likes) (this|it|things|tonight|today) to end (up )?"
    r"(with|in|as)\b|\b(refusing|refusal|resisting|fighting (me|us|this)|arguing) (only )?"
    r"(means|will mean|gets you|leads to|ends with)\b|\bleav(e|ing) (me|us) no choice\b"
    r"|\bno choice but\b|\b(i'd|i would|i'll|i really|i) (really )?(hate|rather not|prefer not)"
    r"\b|\bi (really )?(don't|dont|do not) want to (have to )?\b|\bi'd hate for this to\b"
    r"|\bit would be a (shame|pity) if\b|\b(refusing|refusal|not complying|resisting) "
    r"(means|will mean|gets you)\b|\bthe next step is\b|\bthe other way\b"
)
_WARNING = _rx(
    r"\b(i'm|im|i am) being (nice|polite|patient)( right now)?,? but\b|\bthat can change\b"
    r"|\bnext time i (won't|will not|wont) (be )?ask\w*|\byou don't want to see what happens\b"
    r"|\btesting my patience\b|\bthis can go (one of )?two ways\b|\bthe hard way\b"
    r"|\b(don't|dont|do not|let's not|lets not) make (this|it|things) (any |much |a lot )?(harder|"
    r"worse|difficult|ugly)\b|\beasy way or\b|\b(don't|dont|do not) want to (find out|see|know) "
    r"what happens\b|\bthe (longer|more)\b[^,.]*,? the (worse|harder|uglier|rougher|less "
    r"(pleasant|patient|friendly))\b"
)
_ULTIMATUM = _rx(
    r"\b(last|final) time (i'm|i am|im|i'll|i will|ill)? ?(going to |gonna )?(ask|say|tell|warn)"
    r"|^(last|final) (warning|chance)\b|\b(i'm|im|i am) done asking\b"
    r"|\bthis is (the|your) (last|final) (time|chance|warning|opportunity)\b"
    r"(?! (we|you|i) (talked|saw|spoke|met))"
    r"|\b(not|n't|nt) (going to |gonna )?(ask|tell|say|warn)(ing)? (you )?(again|twice|"
    r"a (second|third|fourth) time)\b(?! about)"
    r"|\b(won't|will not|wont) ask (you )?(again|twice|a (second|third|fourth))\b(?! about)"
    r"|\b(asking|telling|saying|warning) (you )?(this )?(for the|one) (last|final) time\b"
    r"|\b(not|n't|nt) (going to |gonna )?(repeat(ing)? myself|say(ing)? (it|that|this) again)\b"
    r"|\bno (more|further) (chances|warnings)\b|\b(reached|hit|at) (the end of )?my limit\b"
    r"|\b(not|n't|nt) (going to |gonna )?keep asking\b|\bthere won't be a (second|third|fourth)\b"
    r"|\b(ask|tell)(ing)? (you )?(one|1) (more|last) time\b|\bone more chance\b|\blast chance\b"
    r"|\bdone (asking|being (nice|patient|polite)|talking)\b|\brunning out of (patience|time)\b"
    r"|\b(time's|time is) (running out|up)\b|\btick,? tock\b|\bclock's ticking\b"
    r"|\bclock is ticking\b|\bi('ve| have)? (already )?asked you (twice|three times|nicely|"
    r"already|\w+ times)\b|\b(been at this|talked) long enough\b|\bneed an answer (now|right now)\b"
    r"|\bgive you (to|till|until) (the count of )?(three|five|ten|\d+)\b"
    r"|\b(i'll give you|i will give you|you('ve)? got|you have|you get) (about |just |like )?"
    r"(one more |another )?(\d+|one|two|three|five|ten|fifteen|twenty|thirty|sixty) (more )?"
    r"(seconds?|minutes?|mins?)\b"
)
_HURRY = _rx(
    r"\bhurry\b|\bspeed (this|it|things)? ?up\b|\b(wrap|get) (this|it) (up|over with)\b"
    r"|\bmake (this|it) (quick|fast|snappy|short)\b|\bmove (this|it|things) along\b|\bbe quick\b"
    r"|\bquickly\b|\bchop,? chop\b|\b(don't|dont|do not|haven't|havent) (have|got) all "
    r"(day|night|evening|morning|week)\b|\b(other|more) calls\b|\bgot (somewhere|places) to be\b"
    r"|\bpeople waiting\b"
    r"|\bon a schedule\b|\blet's (get moving|go,? let's go)\b|\blets get moving\b|\bsnappy\b"
    r"|\b(i've|i have|ive|i) got (a lot|other things|better things)( going on| to do)?\b"
    r"|\ba lot on my plate\b|\bshift change\b|\btwo more of these\b|\bchop\b"
    r"|\blet's get going\b|\blets get going\b|\bpick up the pace\b|\bdrag(ging)? (this|it) out\b"
    r"|\b(tell|answer|say) (me |it )?quick\b"
    r"|\b(i'm|im|i am|we're|we are) (kind of |a bit |really )?in a (rush|hurry)\b"
    r"|\benough stalling\b"
)
_DISMISS = _rx(
    r"\b(aren't|are not|arent|isn't|is not|isnt|not) real\b|\ball in your (head|mind)\b"
    r"|\bjust (your|the) (illness|imagination|mind|head|brain|disease)\b|\byou're imagining\b"
    r"|\byoure imagining\b|\bnothing to (be|get) (\w+ )?(upset|scared|afraid|worried|angry|sad|"
    r"nervous|emotional|worked up|frightened)( about| of| over)?\b"
    r"|\bno (need|reason) to (be|get|feel) (so )?(\w+ )?(afraid|scared|upset|worried|emotional|"
    r"angry|worked up|nervous|frightened)\b"
    r"|\b(don't|dont|do not) (need|have) to (cry|be (so )?(upset|scared|afraid|emotional))\b"
    r"|\b(it's|its|it is) (just|only) (a |an )?(breakup|ticket|parking ticket|job|girl|guy|"
    r"scratch|fight|argument|game|phone|dream|bad dream|prescription|nightmare|money|stuff|"
    r"thoughts)\b|\b(they're|theyre|they are|voices are|it's|its) just (thoughts|noise)\b"
    r"|\b(it's|its) (really )?that simple\b|\b(wasn't|wasnt|isn't|isnt|not) (a|that) big"
    r"( a)? deal\b"
    r"|\bnot (as|that|so) (bad|serious|big)( a deal)?\b|\bnot worth (all this|it|going)\b"
    r"|\b(others|other people|people|folks) have it (much |a lot |way )?worse\b"
    r"|\b(lots of|plenty of|a lot of) (people|folks) (lose|go through|have|get|manage)\b"
    r"|\byou'll (get over it|bounce back|move on|laugh about|find (someone|somebody|another)|"
    r"forget about|be over it)"
    r"|\b(bright side|at least (nobody|no one|you|it's|its))\b|\bworked up over nothing\b"
    r"|\b(bigger|big) (thing|deal) (than it is|out of)\b|\bmountain out of a molehill\b"
    r"|\b(i'm sure|im sure) (it's|its) nothing\b|\b(it's|its) (probably |really )?nothing(,|\.|$)"
    r"|\b(nobody|no one|nobody's|those people|they) (is |are |aren't |isn't )?(really )?"
    r"(following|after|listening through|watching) you\b.*\b(so|there's no)\b"
    r"|\b(nobody|no one|nobody's|no one's) (is )?(listening through|following)\b"
    r"|\bthere's nothing (out )?there\b|\bold houses make noises\b"
    r"|\bso (just )?(ignore|don't listen to|dont listen to) (it|them|the voices)\b"
    r"|\b(try to|just) ignore (it|them|the voices)\b"
)
_CONDESCEND = _rx(
    r"\bact(ing)? (like )?(your|our) age\b|\bact like (an adult|a grown|it)\b|\bgrown-?ups\b"
    r"|\blike a (child|kid|baby|teenager|toddler)\b|\bbig (boy|girl) words\b|\bdrama\b"
    r"|\bdramatic\b|\bwasting my time\b|\bsome of us have\b|\bdo you even understand\b"
    r"|\b(can|do) you (not )?understand (simple |plain )?(english|what i'm saying)\b"
    r"|\bare you deaf\b|\buse your (head|brain)\b|\bnot rocket science\b|\bbless your heart\b"
    r"|\bmister lawyer\b|\bmr\.? lawyer\b|\b(you're|you are|youre) not making (much |any )?sense"
    r"|\bi'm not your (babysitter|mother|mom|dad)\b|\bexciting for you\b|\bhysterical\b"
    r"|\b(don't|dont|stop|quit) (be|being) (so )?(dramatic|a baby|childish|ridiculous|silly)\b"
    r"|\bnot going to argue with you like\b|\b(it's|its) not that hard\b"
    r"|\bfeeling sorry for yourself\b|\bsob story\b|\b(quite the|this whole|such a) (show|"
    r"performance|scene|production)\b|\btheatrics\b|\bhold your hand\b"
    r"|\btantrum\b|\bhissy fit\b"
    r"|\b(kids|children|toddlers|my kids) (behave|act) better\b"
)


_REFLECTIVE = _rx(
    r"^(so,? )?(you're|you are|youre|you) (worried|afraid|scared|wondering|thinking|not sure|"
    r"think|feel|fear)\b|^(it )?sounds like\b|^(it )?seems like\b"
)


def unnegated(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match not preceded in its clause by a negation ("nobody's going to jail")."""
    for m in pattern.finditer(text):
        clause = re.split(r"[,;:]|\bbut\b|\bso\b", text[: m.start()])[-1]
        if not _NEGATION.search(clause):
            return m
    return None


def _consequences(sentence: str) -> list[tuple[str, bool]]:
    """The main clauses a condition, "or"/"otherwise" or a reluctance frame attaches to, each
    with whether the frame demands something (a refusal condition, "or", "otherwise", "don't make
    me"): only those are read for a coercive meaning beyond the word list."""
    out: list[tuple[str, bool]] = []
    cond = _CONDITION.search(sentence)
    if cond:
        before = sentence[: cond.start()]
        after = sentence[cond.end() :]
        start = _CONSEQUENCE_START.search(after)
        if start is None and "," in after:
            start_at = after.index(",") + 1
        else:
            start_at = start.start() if start else len(after)
        demand = cond.group(1) == "unless" or bool(_REFUSAL.search(after[:start_at]))
        out += [(before, demand), (after[start_at:], demand)]
    choice = _CHOICE.search(sentence)
    if choice:
        rest = choice.group("rest") or choice.group("rest2") or ""
        # "…, or you can sign the ticket" offers a choice; "or I'll …" demands.
        out.append((rest, not _OFFER.match(rest)))
    and_then = _AND_THEN.search(strip_lead(sentence))
    if and_then:
        out.append((and_then.group("rest"), True))
    reluctant = _RELUCTANT.search(sentence)
    if reluctant and not _GRANTED.search(sentence[reluctant.end() :]):
        out.append((sentence[reluctant.end() :], True))
    return [(c.strip(" ,."), d) for c, d in out if c.strip(" ,.")]


def _threat(sentence: str, coercive: Judge | None) -> HarshHit | None:
    if _REFLECTIVE.search(sentence):
        return None  # "you're worried that if you come down they'll lock you up" says back a fear
    make_me = _MAKE_ME.search(sentence)
    if make_me:
        return HarshHit("threat", "veiled_warning", make_me.group(0))
    warning = _WARNING.search(sentence)
    if warning:
        return HarshHit("threat", "veiled_warning", warning.group(0))
    for clause, demand in _consequences(sentence):
        if unnegated(FORCE, clause) or (demand and unnegated(SANCTION, clause)):
            return HarshHit("threat", "conditional_consequence", clause)
        if coercive is not None and not _NEGATION.search(clause) and coercive(clause, demand):
            return HarshHit("threat", "conditional_consequence", clause)
    return None


def find_harsh(
    sentences: Iterable[str],
    coercive: Judge | None = None,
    meaning: Callable[[str], HarshHit | None] | None = None,
) -> list[HarshHit]:
    """Harsh acts in normalised, clean sentences (``speech.sentences`` + ``rules.normalize``).

    ``meaning`` reads a sentence no frame matched for a harsh act by what it means
    (``meaning.HarshMeaning``); ``coercive`` judges a conditional consequence.
    """
    hits: list[HarshHit] = []
    for s in sentences:
        found: list[HarshHit] = []
        threat = _threat(s, coercive)
        if threat:
            found.append(threat)
        for act, kind, pattern in _SIMPLE:
            m = unnegated(pattern, s) if kind in _NEGATABLE else pattern.search(s)
            if m and not (kind == "hurry_up" and _OWN_PACE.search(s)):
                found.append(HarshHit(act, kind, m.group(0)))
        if not found and meaning is not None and not _REFLECTIVE.search(s):
            read = meaning(s)
            found += [read] if read else []
        hits += found
    return hits


_NEGATABLE = frozenset({"hurry_up", "condescension"})
_SIMPLE: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("countdown", "ultimatum", _ULTIMATUM),
    ("countdown", "hurry_up", _HURRY),
    ("minimizing", "dismissal", _DISMISS),
    ("disrespect", "condescension", _CONDESCEND),
)
