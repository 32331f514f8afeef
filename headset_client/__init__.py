"""CodeBlu reference headset: finds the appliance, talks to it over WebRTC, times its replies."""

from headset_client.client import (
    BargeInResult,
    ChannelEvent,
    HeadsetClient,
    ReplyResult,
    TurnError,
)
from headset_client.mic_track import MicTrack, Utterance
from headset_client.signalling import SessionInfo, SignallingError

__all__ = [
    "BargeInResult",
    "ChannelEvent",
    "HeadsetClient",
    "MicTrack",
    "ReplyResult",
    "SessionInfo",
    "SignallingError",
    "TurnError",
    "Utterance",
]
