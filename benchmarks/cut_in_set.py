"""The cut-in test set: complete officer utterances, and utterances with a pause mid-sentence.

Both kinds are synthesized with the bundled Piper voice. A paused line is written with ``|``
where the officer stops to think ("I want to | help you get home."): it is synthesized whole, in
one breath (so the words before the pause keep the voice of a sentence that goes on), and 300–900
ms of silence is inserted at that word boundary, found from Piper's phoneme alignments (the
``onnx`` package of the ``bench`` extra lets Piper expose them). An endpointer that ends the turn
inside the pause has cut the officer off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from appliance.audio.frames import SAMPLE_RATE, FloatPCM, resample, rms_dbfs
from appliance.inference.models import resolve_models
from appliance.settings import Settings

COMPLETE_LINES: tuple[str, ...] = (
    "Can you hear me?",
    "Hey, I'm Officer Daniels.",
    "What's your name?",
    "Take your time. I'm staying right here.",
    "It sounds like you've had a really rough night.",
    "Are you thinking about hurting yourself right now?",
    "I can see you're upset. Can you tell me what's going on tonight?",
    "Nobody is in trouble here. I just want to make sure everybody is safe.",
    "Is there someone you trust, a friend or family member, that we could call for you?",
    "You said the voices get louder at night. What are they telling you right now?",
    "Do you have anything on you that could hurt you or me?",
    "Have you taken anything tonight, any pills or alcohol?",
    "You're not in trouble.",
    "I'm here to help you.",
    "Can you put the bottle down for me?",
    "Where are you staying right now?",
    "That sounds really frightening.",
    "Thank you for talking with me.",
    "Would you be willing to sit down with me?",
    "How long have you been out here?",
    "Is anyone else hurt?",
    "I'd like to understand what happened.",
    "You don't have to explain everything right now.",
    "When did you last sleep?",
    "Okay. I understand.",
    "Is there a doctor you've been seeing?",
    "Can I call your sister for you?",
    "It makes sense that you're angry.",
    "Let's take this one step at a time.",
    "What would you like to happen tonight?",
    "I'm going to stay right here with you.",
    "Can you show me your hands, please?",
    "The clinician with me is named Dana, and she's here to listen.",
    "Do you feel safe at home?",
    "Sir, I need you to step away from the edge.",
    "Ma'am, can you tell me what you saw?",
    "I'm not going to rush you.",
    "Who can we call to be with you tonight?",
    "You mentioned your medication. Have you been able to take it?",
    "Alright, thank you. That helps me a lot.",
    "Here's what I'd like to do. Let's step back from the railing together.",
    "I hear that you're exhausted and scared, and that makes sense.",
)
PAUSED_LINES: tuple[str, ...] = (
    "I want to | help you get home.",
    "Can you tell me | what happened tonight?",
    "My name is Officer Daniels, and I'm here to | make sure you're okay.",
    "What I'd like to do is | get you somewhere warm.",
    "I'm wondering if | you've eaten anything today.",
    "Is there somebody who | could come and stay with you?",
    "We can | sit down and talk about it.",
    "It sounds like the voices | have been getting worse.",
    "Before we do anything else, I need to know if | you have a weapon.",
    "Would it be okay if | I came a little closer?",
    "The reason I'm here is | a neighbor called because they were worried.",
    "Have you been | taking your medication?",
    "I know this is | really hard for you.",
    "If you could just | put the knife on the ground.",
    "So what you're saying is | you haven't slept in three days.",
    "We're going to | figure this out together.",
    "Tell me more about | what happened at work.",
    "I understand that you're | angry at the landlord.",
    "Nobody here wants | to hurt you.",
    "Can you walk over | to the bench with me?",
    "How long have you | been feeling this way?",
    "When you say | you want it to stop, what do you mean?",
    "I'd like to call | the crisis team to come talk with you.",
    "Your sister told me | she's worried about you.",
    "Is it okay if I | ask you a few questions?",
    "You've been | really patient with me.",
    "Let me make sure | I got that right.",
    "The store manager just | wants you to leave for today.",
    "I'm going to | stay right here.",
    "Do you remember | what you took tonight?",
    "If you need | a minute, that's okay.",
    "What would help you | feel safer right now?",
    "I can hear that | you're scared.",
    "Where were you | planning to go tonight?",
    "Sir, I'm asking you to | keep your hands where I can see them.",
    "The clinician and I | would like to help you.",
    "It's been | a long night for everyone.",
    "Could you tell me | your name?",
    "We can get you | a ride to the hospital.",
    "I don't want | anyone to get hurt.",
    "You said that | you haven't been home in a week.",
    "Is there anything | I can get you?",
)
# A second set (``benchmarks.cut_ins --set held-out``), written before the words-end model existed
# and never trained on (nor is the set above); its weight and threshold were set with both in view.
HELD_OUT_COMPLETE: tuple[str, ...] = (
    "Hi there, I'm with the police department.",
    "Are you okay?",
    "Can you tell me your first name?",
    "I just want to talk.",
    "Nobody's going to hurt you.",
    "Do you know where you are right now?",
    "How are you feeling?",
    "It's cold out here. Do you want a blanket?",
    "I noticed you've been walking back and forth for a while.",
    "Did something happen at home today?",
    "That must have been scary.",
    "You can tell me to back off if I'm too close.",
    "Is that your car over there?",
    "I'm going to sit down right here, okay?",
    "What's been going on with you lately?",
    "Have you had anything to drink tonight?",
    "You seem really worried about your kids.",
    "Can I get you some water?",
    "We called the mobile crisis team and they're on their way.",
    "Is there anyone at home right now?",
    "Who's your doctor?",
    "I'm sorry that happened to you.",
    "Would you mind if my partner joins us?",
    "Tell me about your brother.",
    "So you haven't eaten since yesterday.",
    "Thanks for letting me know.",
    "What do you need right now?",
    "Please put the phone down on the table.",
    "That's a lot to carry by yourself.",
    "Do you want to sit in the back of the ambulance where it's warm?",
    "I'm not here to arrest anyone.",
    "How did you get here tonight?",
    "Yeah, I get that.",
    "You're safe right now.",
    "Okay, so what happened next?",
    "Can you say that again?",
    "Is that why you came out here?",
    "I hear you.",
    "Let's take a breath together.",
    "Did you call anyone before we got here?",
    "Your mom is worried sick about you.",
    "Do you have somewhere to sleep tonight?",
)
HELD_OUT_PAUSED: tuple[str, ...] = (
    "Do you know | what day it is today?",
    "I think | we should get you checked out.",
    "Can you tell me | who else is in the house?",
    "My partner is going to | wait by the door.",
    "I'm just trying to | understand what you need.",
    "What happened | after you left the bar?",
    "Would you be willing to | talk to a counselor?",
    "It looks like | you're in a lot of pain.",
    "When was the last time | you slept in a bed?",
    "The officers outside are | just making sure the street stays clear.",
    "I'm worried that | you might hurt yourself.",
    "Did you | take something tonight?",
    "Can we | move away from the traffic?",
    "I'd really like | to hear your side of it.",
    "You told me earlier that | your dad used to be a cop.",
    "Is there a reason | you don't want to go to the hospital?",
    "What if we | called your case worker together?",
    "Can I ask | how old you are?",
    "There's no rush, | we've got all the time we need.",
    "I need you to | stay on the sidewalk for me.",
    "Do you want | me to call someone?",
    "Help me understand | why you're upset with your roommate.",
    "The last thing I want is | for this to turn into something bigger.",
    "How many | pills did you take?",
    "You mentioned | you've been hearing things.",
    "Is it alright | if I sit down next to you?",
    "I know you | didn't ask for us to come out here.",
    "Where do | you usually stay at night?",
    "We're not | taking you to jail.",
    "Did anyone | hurt you tonight?",
    "I can tell that | you really love your dog.",
    "Would you like | to call your wife?",
    "If it's okay with you, | I'd like to check your wrist.",
    "Can you help me | understand what the voices are saying?",
    "Let's see if | we can find you a place to stay.",
    "Are you | planning to hurt anyone else?",
    "What I'm hearing is | you feel like nobody listens.",
    "You don't | have to talk if you don't want to.",
    "I brought | a coat if you want it.",
    "How about we | walk over to the car and warm up?",
    "Tell me | what you need from me.",
    "Is your | medication at home?",
)
PAUSE_MARK = "|"
PAUSE_RANGE_MS = (300, 900)
SETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "dev": (COMPLETE_LINES, PAUSED_LINES),
    "held-out": (HELD_OUT_COMPLETE, HELD_OUT_PAUSED),
}


def held_out_texts() -> list[str]:
    """Every line of both sets as spoken, for trainers to leave out."""
    return [
        " ".join(line.replace(PAUSE_MARK, " ").split())
        for complete, paused_lines in SETS.values()
        for line in complete + paused_lines
    ]
_HOP = SAMPLE_RATE // 100  # 10 ms level frames
_QUIET_DBFS = -50.0


@dataclass(frozen=True)
class SetUtterance:
    """One line of the set, 16 kHz mono float32, with where its voice is."""

    kind: str  # "complete" or "paused"
    text: str  # as spoken (the pause mark removed)
    samples: FloatPCM
    voice_end: int  # sample just past the last voiced 10 ms frame
    pause_ms: float = 0.0  # inserted silence (paused lines)
    pause_at: int = -1  # first sample of the inserted silence (paused lines)

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return len(self.samples) / SAMPLE_RATE


def _quiet(x: FloatPCM) -> np.ndarray:
    """One flag per 10 ms frame: quieter than -50 dBFS."""
    n = len(x) // _HOP
    return np.array([rms_dbfs(x[i * _HOP : (i + 1) * _HOP]) < _QUIET_DBFS for i in range(n)])


def voice_bounds(x: FloatPCM) -> tuple[int, int]:
    """First and one-past-last sample of the voiced 10 ms frames."""
    loud = np.flatnonzero(~_quiet(x))
    if not len(loud):
        return 0, 0
    return int(loud[0]) * _HOP, (int(loud[-1]) + 1) * _HOP


def pause_lengths(n: int, seed: int = 12) -> list[float]:
    """``n`` pause lengths spread evenly over 300–900 ms, in a shuffled order."""
    lo, hi = PAUSE_RANGE_MS
    values = list(np.linspace(lo, hi, n))
    np.random.default_rng(seed).shuffle(values)
    return [round(float(v)) for v in values]


class AlignedVoice:
    """The bundled Piper voice, with the sample span of each word boundary of what it says."""

    def __init__(self, settings: Settings) -> None:
        from piper import PiperVoice

        paths = resolve_models(settings)
        self._voice = PiperVoice.load(paths.tts_onnx, paths.tts_config, include_alignments=True)
        self.rate = int(self._voice.config.sample_rate)

    def words(self, text: str) -> int:
        """How many words espeak makes of ``text`` (it joins some, as in "like the")."""
        return sum(len("".join(p).split()) for p in self._voice.phonemize(text))

    def speak(self, text: str) -> tuple[FloatPCM, list[tuple[int, int]]]:
        """16 kHz audio and, per gap between two words, its [start, end) samples (16 kHz)."""
        pcm: list[FloatPCM] = []
        spaces: list[tuple[int, int]] = []
        at = 0
        for chunk in self._voice.synthesize(text, include_alignments=True):
            pos = at
            for a in chunk.phoneme_alignments or []:
                if a.phoneme == " ":
                    spaces.append((pos, pos + int(a.num_samples)))
                pos += int(a.num_samples)
            pcm.append(chunk.audio_float_array.astype(np.float32))
            at += len(chunk.audio_float_array)
        audio = resample(np.concatenate(pcm), self.rate, SAMPLE_RATE)
        scale = SAMPLE_RATE / self.rate
        return audio, [(round(a * scale), round(b * scale)) for a, b in spaces]


def _quietest(x: FloatPCM, a: int, b: int) -> int:
    """The start of the quietest 5 ms of ``x[a:b]`` (where to open the pause)."""
    step = SAMPLE_RATE // 200
    starts = range(a, max(a + 1, b - step), step)
    return min(starts, key=lambda i: rms_dbfs(x[i : i + step]))


def paused(voice: AlignedVoice, text: str, pause_ms: float, lead: FloatPCM) -> SetUtterance:
    """One paused line: spoken whole, ``pause_ms`` of silence inserted at the ``|``."""
    before, after = (part.strip() for part in text.split(PAUSE_MARK))
    spoken = f"{before} {after}"
    x, gaps = voice.speak(spoken)
    words = voice.words(before)
    if not 0 < words <= len(gaps):
        raise ValueError(f"cannot place the pause of {text!r}: {len(gaps)} word gaps")
    cut = _quietest(x, *gaps[words - 1])
    silence = np.zeros(round(pause_ms * SAMPLE_RATE / 1000), dtype=np.float32)
    y = np.concatenate([lead, x[:cut], silence, x[cut:]]).astype(np.float32)
    y = y[: voice_bounds(y)[1] + _HOP]
    return SetUtterance("paused", spoken, y, voice_bounds(y)[1], pause_ms, len(lead) + cut)


def synthesize_set(
    settings: Settings,
    complete: tuple[str, ...] = COMPLETE_LINES,
    paused_lines: tuple[str, ...] = PAUSED_LINES,
    lead_s: float = 0.3,
) -> list[SetUtterance]:
    """Every line with ``lead_s`` of silence before it and 10 ms after its voice (blocking)."""
    voice = AlignedVoice(settings)
    lead = np.zeros(round(lead_s * SAMPLE_RATE), dtype=np.float32)
    out: list[SetUtterance] = []
    for text in complete:
        x = np.concatenate([lead, voice.speak(text)[0]]).astype(np.float32)
        x = x[: voice_bounds(x)[1] + _HOP]
        out.append(SetUtterance("complete", text, x, voice_bounds(x)[1]))
    for text, pause in zip(paused_lines, pause_lengths(len(paused_lines)), strict=True):
        out.append(paused(voice, text, pause, lead))
    return out
