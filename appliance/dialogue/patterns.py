"""The word patterns the act rules and the classifier's lexical features read.

Every pattern works on text normalised by ``rules.normalize`` (lower case, straight quotes,
collapsed spaces) and, where it is anchored with ``^``, on a sentence without its leading
discourse markers (``speech.strip_lead``), so ASR output without punctuation or capitals and
"so, um, what ..." still match.
"""

from __future__ import annotations

import re

_EMOTIONS = (
    r"scared|afraid|frightened|frightening|terrified|terrifying|angry|mad|furious|frustrated|"
    r"overwhelmed|exhausted|worn out|tired|sad|hurting|in pain|alone|lonely|worried|anxious|"
    r"nervous|"
    r"upset|embarrassed|humiliated|ashamed|hopeless|trapped|stressed|confused|on edge|heartbroken|"
    r"desperate|panicked|panicking|grieving|devastated|hurt|disrespected|betrayed|fed up"
)
_TITLES = r"buddy|bud|pal|chief|bro|dude|boss|sweetheart|sweetie|hon|honey|lady|man|genius"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


INTRODUCTION = _rx(
    r"\b(i'm|i am|my name's|my name is|this is|it's)\s+(officer|deputy|sergeant|sgt|trooper|"
    r"detective|corporal|lieutenant|agent|constable)\b"
    r"|\b(i'm|i am|my name's|my name is)\s+[a-z]+(\s+[a-z]+)?,?\s+(and\s+)?(i'm|i am)\s+"
    r"(a|an|with)\s+(police|the police|the (city|county|state)|the sheriff|officer|deputy)"
    r"|\b(i'm|i am)\s+(a police officer|with the (police|sheriff|state patrol|city|county))"
    r"|\b(officer|deputy|sergeant|trooper|detective|corporal)\s+[a-z]+(\s+[a-z]+)?,\s+([a-z]+\s+)"
    r"{0,2}(county|police|pd|state patrol|sheriff)"
    r"|^(hi|hello|hey|morning|evening|good (morning|afternoon|evening)),?\s+(officer|deputy|"
    r"sergeant|trooper|detective|corporal)\s+[a-z]+"
)
REASON = _rx(
    r"\b(called|call) (us|because|about|and asked)\b|\bthe reason (i|we) (stopped|came|pulled|"
    r"am here|'m here|'re here|are here)|\b(stopped|pulled) you( over)? (because|for)\b"
    r"|\b(i'm|we're|i am|we are) here because\b|\bdispatch (sent|said)\b|\bwe got a (call|report)\b"
    r"|\b(asked|called) us\b|\b(sent me|sent us) because\b|\bsomebody reported\b"
)
COUNTDOWN = _rx(
    r"\bcount(ing)?\b( to (three|five|ten|\d+))?|\b(\d+|five|ten|three|thirty|twenty) seconds\b"
    r"|\b(last|final) (warning|chance)\b|\btime's up\b|\btill (three|five|ten)\b"
    r"|\b(one|three|five)\W+(two|four)\W+(one|three)\b|\bthree\W+two\b|\buntil i finish\b"
)
# Direct threat words; conditional consequences ("or I'll", "if you don't ... I'll") are judged
# by meaning in ``harsh.py``, so "if you don't mind, I'll sit down" is no threat.
THREAT = _rx(
    r"\b(going|go) to jail\b|\b(tase|taser|tased)\b|\b(shoot|drop) you\b|\bi'll shoot\b"
    r"|\bhard way\b|\bin cuffs\b|\bin a cell\b|\bregret\b|\bdare you\b|\buse force\b"
    r"|\b(keep it up|keep (talking|filming) and|try it)\b"
    r"|\bwhether you like it or not\b|\bgetting arrested\b|\bi'm done asking\b"
    r"|\bi could take you in\b|\byou'll (spend|be|end up|wake up) (\w+ ){0,2}in (jail|a cell|"
    r"cuffs|handcuffs|custody)\b"
)
NEGATED_THREAT = _rx(
    r"\b(not|no|never|nobody|nobody's|no one|no one's|don't|won't|isn't|aren't|ain't)\b"
    r"(\s+[\w']+){0,4}\s*$"
)
COMMAND_START = _rx(
    r"^(freeze|drop (it|the|your|that)|don't move|hands up|show me your hands|hands behind|"
    r"put (the|your|it|that) |get (on|down|out|back|over|off|your hands)|step (out|back|away)|"
    r"back up|stop (right|it|there|yelling|screaming|filming|walking|moving|$)|turn (around|the "
    r"engine)|face the|sit (down|tight)|lower your|shut up|come (here|down|out)"
    r"|stay (in|back|there)|roll the window|hand me|give me|open the door|listen to me|look at me"
    r"|move it|keep your hands"
    r"|license and registration|hands on|out of the car|on your knees)"
)
DIRECTIVE = _rx(r"\b(i need you to|you need to|i'm going to need you to|i'm going to ask you to)\b")
MINIMIZING = _rx(
    r"\bcalm down\b|^relax\b|\brelax,|\bnot that (bad|serious|big)\b|\bnot a big deal\b"
    r"|\boverreact|\bget over it\b|\bcheer up\b|\bcould be worse\b|\ball in your head\b"
    r"|\bevery(body|one) (has|feels|gets) \w+|\bpeople get \w+ all the time\b|\bjust stress\b"
    r"|\bquit (your )?crying\b|\bsnap out of it\b|\bstop being a baby\b|\bblowing this\b"
    r"|\bnobody cares\b|\bmake a big deal\b|\bnot the end of the world\b|\bstop whining\b"
    r"|\bquit being dramatic\b|\byou're fine\b"
)
NEGATED_LABEL = _rx(
    r"\b(not|n't|never|nobody|no one|no one's|nobody's)\s+([\w']+\s+){0,3}(crazy|nuts|stupid)\b"
)
INSULT = _rx(
    r"\b(idiot|stupid|moron|crazy|psycho|nuts|nutjob|lunatic|retard|retarded|dumbass|hysterical|"
    r"you people|deaf|nonsense|whin(e|es|ing|y)|crybaby|drama queen|pathetic|grow up)\b"
    r"|(^|[,.!?]\s*|\b(and|just|now|so)\s+)shut (up|your)\b"
    r"|\b(hell|damn|ass|shit|fuck\w*|bullshit)\b"
    r"|\bjesus christ\b|\bembarrassing yourself\b|\bacting like a child\b|\bmaking a scene\b"
    r"|\bdon't get smart\b|\bwhat's (wrong with you|your problem)\b|\bi don't have (all night|time "
    r"for this)\b|\bnever mind her\b|\bignore the (clinician|counselor)\b|\byeah, yeah\b"
)
INFORMAL_TITLE = _rx(
    rf"(^|[,.!?]\s*|\b(hey|listen|look|okay|ok|yeah|sure you are|whatever|move it|calm down)"
    rf",?\s+)({_TITLES})\b\s*([,.!?]|$)"
)
DIAGNOSTIC_LABEL = _rx(
    r"\b(you're|you are|are you)\s+(a\s+)?(schizo\w*|bipolar|psychotic|delusional|crazy|nuts|"
    r"psycho|mental)\b|\boff your meds\b"
)
SLOWING = _rx(
    r"\btake your time\b|\bno (rush|hurry)\b|\bnot rushing\b|\ball the time (we|you|in the world)\b"
    r"|\bslow (this |it |things )?down\b|\btake a (breath|second|minute)\b|\bone step at a time\b"
    r"|\bwe(.ve| have) got all night\b"
    r"|\bwhenever you're ready\b|\bi'm (staying )?right here\b|\bnot going anywhere\b"
    r"|\bnothing has to happen\b|\bi've got time\b|\bno(body|one)'s in a hurry\b"
    r"|\bdon't have to decide\b|\bno one's rushing\b"
)
HANDOFF = _rx(
    r"\btake it from here\b|\btake the lead\b|\blet me introduce\b|\bi'd like you to meet\b"
    r"|\b(talk|speak|sit) with (dana|the (clinician|counselor|nurse))\b"
    r"|\b(clinician|counselor|crisis team|mobile crisis|social worker|case worker)\b.{0,60}"
    r"\b(here to help|going to (talk|sit|ask)|would (you|it)|joined us|on her way|on his way)\b"
)
SAFETY_WORDS = _rx(
    r"\b(kill(ing)? yourself|suicid\w*|hurt(ing)? yourself|end(ing)? your life|weapons?|guns?|"
    r"knife|knives|anything sharp|cut yourself|in danger|jump(ing)?|hurt (me|you|anyone|someone|"
    r"anybody)|(are|is) (you|anyone|anybody) (else )?(hurt|injured|bleeding)|feel(ing)? safe|"
    r"safe at home|swallow\w*|anything (on you|in the car|in your pockets)|hit you|could hurt)\b"
)
QUESTION_START = _rx(
    r"^(what|what's|how|how's|why|where|where's|when|who|who's|which|are|is|do|does|did|can|"
    r"could|will|would|have|has|should|was|were|may|am|any|anything|anyone|anybody)\b"
)
WH_START = _rx(r"^(what|what's|how|how's|why|where|where's|when|who|who's|which)\b")
OPEN_PROMPT = _rx(
    r"\b(tell me|help me understand|walk me through|talk to me|describe|explain to me|what's on "
    r"your mind|what happened|what do you mean)\b"
)
REFLECT_START = _rx(
    r"^(so,? )?(you|you're|you've|you'd|your|sounds like|it sounds|seems like|it seems|it's like|"
    r"it feels|part of you|what i'm hearing|i can (see|hear|tell))\b"
)
EMOTION = _rx(rf"\b({_EMOTIONS})\b")
EMOTION_LABEL = _rx(
    rf"\b(you|you're|you are|you sound|you seem|you look|you feel|you've been feeling|sounds like "
    rf"you|seems like you|i can (see|tell|hear)( that)?( how)?( much)? you('re| are)?)\b"
    rf"[^.?!]{{0,40}}"
    rf"\b({_EMOTIONS}|pain)\b"
)
FIRST_PERSON_FEELING = _rx(rf"\b(i'm|i am|i was|i feel|i'd be)\b[^.?!]{{0,20}}\b({_EMOTIONS})\b")
VALIDATION = _rx(
    r"\bmakes sense\b|\bany(one|body) (would|in your|going through)\b|\bevery (right|reason)\b"
    r"|\bokay to feel\b|\bi'd be \w+ too\b|\bi get it\b|\bthank you for\b|\bappreciate\b"
    r"|\bcourage|\btakes guts\b|\bof course you\b|\bnormal reaction\b|\bthat sounds (awful|"
    r"frightening|hard|terrible|scary)\b|\bmust be\b|\bi'd want\b|\bnot wrong to\b|\bright thing\b"
)
REASON_MARKER = _rx(
    r"\b(because|so (that|we|you|i|nobody|no one|everyone|everybody|we're)|the reason|for (your|"
    r"our|both of our|everyone's) safety|that way|just so|i want (us|you|everyone|everybody) "
    r"(both )?safe|so nobody)\b"
)
REFLECTION_MARKER = _rx(
    r"\b(part of you|it sounds like|sounds like you|it seems like|seems like you|it feels like "
    r"you|i can (hear|see|tell) (that |how )?(you|this))\b"
)
# Saying back what was said, by its opener: "you said …", "you mentioned …", "so you're saying …".
SIMPLE_REFLECTION_MARKER = _rx(
    r"^(so,? )?(you said|you mentioned|you told me|you're saying|youre saying|you were saying|"
    r"you just said)\b"
)
SUMMARY = _rx(
    r"\bmake sure (i've got|i understand|i have)|\bsum up\b|\brecap\b|\bwhat i'm hearing\b"
    r"|\bif i've got (it|this) right\b|\bputting it all together\b|\bsummary\b"
    r"|\bpull this together\b|\bso the plan is\b|\bso far you've\b|\bjust so i'm clear\b"
    r"|\bsay back what i heard\b|\blet me see if i've got\b"
)
OPTIONS = _rx(
    r"\b(or|either|choice|choices|choose|options?|up to you|your call|whichever|prefer|rather|"
    r"if you'd like|if you want|would it help|what if we|we could|you can)\b"
)
REASSURANCE = _rx(
    r"\bnot in trouble\b|\bnot under arrest\b|\bnot here to arrest\b|\b(you're|you are) safe\b"
    r"|\bnot going to hurt\b|\bnot going anywhere\b|\bfigure (this|it) out\b|\bhelp you\b"
    r"|\bnobody's (going|taking)\b|\bwon't let\b|\bmake sure you're safe\b|\bwe'll get you\b"
    r"|\bnot because you're in trouble\b"
)
EXPLANATION = _rx(
    r"\b(i'm going to|i am going to|i'll|here's what|the reason|so that|so you|so nobody|so i|"
    r"that's (just|normal|our)|it's (a place|just)|let me explain|what happens next|because)\b"
)
ENCOURAGER = _rx(
    r"^(mm+|mm-?hm+|uh-?huh|okay|ok|go on|go ahead|i see|right|yeah|yes|sure|got it|"
    r"i'm listening|i hear you|keep going|i'm with you|and then|alright)"
    r"([ ,.!?]+(mm+|mm-?hm+|uh-?huh|okay|ok|go on|go ahead|i see|right|yeah|i'm listening|"
    r"i hear you|keep going))*[ ,.!?]*$"
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
WORD = re.compile(r"[\w']+", re.UNICODE)
FORMAL_TITLE = re.compile(r"\b(sir|ma'am|madam|maam)\b", re.IGNORECASE)
FORMAL_SURNAME = re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx)\.?\s+[A-Z][\w'-]+")
