"""TTS voice parameters by character and agitation stage."""

from __future__ import annotations

from dataclasses import dataclass

from appliance.persona.scenario import Scenario
from appliance.persona.vocabulary import SUBJECT


@dataclass(frozen=True)
class VoiceParams:
    """Piper synthesis settings for one line; pitch is applied by the TTS stage by resampling."""

    voice_id: str
    length_scale: float
    noise_scale: float
    noise_w_scale: float
    volume: float
    pitch_semitones: float


def voice_for(scenario: Scenario, speaker: str, stage: str) -> VoiceParams:
    """Voice of ``speaker`` in ``scenario``; the subject's delivery follows the stage."""
    if speaker == SUBJECT:
        base = scenario.subject.voice
        spec = scenario.stages.get(stage).voice
        return VoiceParams(
            voice_id=base.voice_id,
            length_scale=spec.length_scale,
            noise_scale=spec.noise_scale,
            noise_w_scale=spec.noise_w_scale,
            volume=spec.volume,
            pitch_semitones=base.pitch_semitones + spec.pitch_shift,
        )
    v = scenario.character(speaker).voice
    return VoiceParams(
        voice_id=v.voice_id,
        length_scale=v.length_scale,
        noise_scale=v.noise_scale,
        noise_w_scale=v.noise_w_scale,
        volume=v.volume,
        pitch_semitones=v.pitch_semitones,
    )
