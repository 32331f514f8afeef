"""The fixed vocabulary of officer dialogue acts and what each one means."""

from __future__ import annotations

ACT_DEFINITIONS: dict[str, str] = {
    "open_question": "invites an elaborated answer (what/how/tell me about/help me understand)",
    "closed_question": "answerable with yes/no or a short fact",
    "reflection_simple": "says back what the subject said, adding little",
    "reflection_complex": "says back the meaning or feeling under what the subject said",
    "emotion_label": 'names the subject\'s emotion ("you sound scared")',
    "validation": "says the subject's feelings or reaction make sense",
    "summary": "gathers several things the subject said into one statement",
    "minimal_encourager": 'a short prompt to keep talking ("mm-hm", "go on")',
    "introduction": "gives the officer's own name, rank or agency",
    "reason_for_contact": "says why the officer is there",
    "explanation": "explains what is happening, what comes next, or why",
    "options": "offers the subject a choice",
    "reassurance": "lowers threat: not in trouble, staying, going to help",
    "safety_question": "asks about suicide, self-harm, weapons, injuries or danger",
    "assessment_question": "asks about medication, substances, sleep, history or supports",
    "slowing_language": 'takes time pressure off ("take your time", "I\'m staying right here")',
    "name_use": "uses the subject's name or a respectful formal address",
    "handoff": "introduces another helper (clinician, partner) and yields to them",
    "command": "an order that demands compliance",
    "threat": "a conditional or explicit threat of force, arrest or harm",
    "countdown": "a countdown, deadline in seconds or 'last warning'",
    "minimizing": 'dismisses the subject\'s feelings ("calm down", "it\'s not that bad")',
    "disrespect": "insults, profanity, slurs, mockery or a dismissive informal title",
}
ACTS: tuple[str, ...] = tuple(ACT_DEFINITIONS)
