"""Whether a consequence means force, arrest or custody, by its meaning (MiniLM), not its words.

"...my colleagues will open it for you", "...you'll be leaving with an escort": the word list in
``harsh.py`` does not know every way to say it. The judge compares the consequence clause with
short descriptions of coercive and of benign consequences; it is coercive when it is close to a
coercive one and clearly closer to it than to any benign one.
"""

from __future__ import annotations

import threading

import numpy as np
import numpy.typing as npt

from appliance.dialogue.embedding import SentenceEncoder

COERCIVE = (
    "I will arrest you",
    "you will be arrested and taken to jail",
    "we will take you into custody",
    "I will put handcuffs on you",
    "we will use force on you",
    "we will physically remove you",
    "we will drag you out",
    "we will break the door down and come in",
    "I will tase you",
    "I will shoot you",
    "you will spend the night locked up",
    "you will be charged with a crime",
    "we will have you committed against your will",
    "we will restrain you",
    "I will take you to the ground",
    "we will come in and get you",
    "you will go to the station in the back of my car",
    "I will write you a ticket and tow your car",
    "we will force our way in",
    "officers will remove you from here",
    "you will be taken away in handcuffs",
    "we will have to take you by force",
    "things are going to get very bad for you",
    "you are going to get hurt",
    "you will be put on the ground",
    "we will take you down to the station",
    "you will be held against your will",
    "you won't like what happens next",
    "this is going to end badly for you",
    "we will send officers in after you",
    "this ends with you on the floor",
    "you're going down",
    "we will make you do it",
    "I'm taking it away from you",
    "I will call for more officers",
    "we will bring you out ourselves",
    "you will end up on the ground",
)
BENIGN = (
    "that's okay",
    "that's fine with me",
    "I will wait here with you",
    "we can talk about it later",
    "I can call you a cab",
    "we can look at other options together",
    "I will sit down here",
    "you can stay where you are",
    "we will get you some help",
    "I will just listen",
    "just tell me your name",
    "I will explain what happens next",
    "we can call your family",
    "I will step back and give you space",
    "I will get you a blanket",
    "we can stop and take a break",
    "we will go at your pace",
    "you can decide",
    "I can get you some water",
    "we will find somewhere quiet to talk",
    "your sister can come with you",
    "I will give you a ride home",
    "I will let you know what is happening",
    "I will leave you alone for a bit",
    "we will make a plan together",
    "I will keep listening to you",
    "nothing bad is going to happen",
    "I will stay right here",
    "you will feel better",
    "I will help you with it",
    "you will be safe",
    "you'll be back on solid ground",
    "you'll be okay",
)
MIN_SIMILARITY = 0.5
MIN_MARGIN = 0.1
OFFER_EXTRA = 0.1


class CoercionJudge:
    """Reads a consequence clause as coercive or not; thread-safe, prototypes embedded once."""

    def __init__(self, encoder: SentenceEncoder) -> None:
        self._encoder = encoder
        self._lock = threading.Lock()
        self._protos: tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]] | None = None

    def prepare(self) -> None:
        """Embed the prototypes now (at load), not in the first live turn that needs them."""
        self._prototypes()

    def _prototypes(self) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        with self._lock:
            if self._protos is None:
                self._protos = (
                    self._encoder.encode_many(list(COERCIVE)),
                    self._encoder.encode_many(list(BENIGN)),
                )
            return self._protos

    def similarity(self, clause: str) -> tuple[float, float]:
        """The clause's best similarity to a coercive and to a benign consequence."""
        coercive, benign = self._prototypes()
        vec = self._encoder.encode(clause)
        return float((coercive @ vec).max()), float((benign @ vec).max())

    def __call__(self, clause: str, demand: bool = True) -> bool:
        """Whether the clause describes a coercive consequence (surely, when nothing is demanded:
        "..., or we can bring you out" offers no real choice)."""
        if len(clause.split()) < 2:
            return False
        force, kind = self.similarity(clause)
        extra = 0.0 if demand else OFFER_EXTRA
        return force >= MIN_SIMILARITY + extra and force - kind >= MIN_MARGIN + extra
