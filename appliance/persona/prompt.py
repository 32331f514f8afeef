"""Prompt builder: OpenAI chat messages that let a small LLM voice the persona's state.

The first system message is the character card and the rules (identical on every turn), then the
history, ending with the line the reply answers, and last a short state note (stage, agitation,
recent injects, the authored line to stay close to; the stage directive when the stage is new).
Each note stays in the history after the line it answered, as it was sent, so every prompt is
the previous one plus the reply, the new line and the new note: the LLM server (llama.cpp reuses
the matching prefix of what it evaluated last; vLLM caches prefixes) reads only those. History is
bounded so the whole prompt fits a small model's context; the window moves in big steps, seldom
(``window_start``), and only then is the kept history read again.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from appliance.inference.llm_client import Message
from appliance.persona.scenario import Scenario
from appliance.persona.state import PersonaState
from appliance.persona.vocabulary import OFFICER, SUBJECT

MAX_PROMPT_TOKENS = 900
MAX_HISTORY_TURNS = 16  # transcript turns a prompt may carry (see window_start)
# Conservative characters-per-token for English under a GPT-2-style BPE (SmolLM2's tokenizer).
CHARS_PER_TOKEN = 3.5
MESSAGE_OVERHEAD_TOKENS = 4  # role markers of the chat template


def estimate_tokens(messages: Sequence[Mapping[str, str]]) -> int:
    """Upper estimate of the prompt's token count."""
    return sum(
        math.ceil(len(m["content"]) / CHARS_PER_TOKEN) + MESSAGE_OVERHEAD_TOKENS for m in messages
    )


def _rules(first: str, others: str) -> str:
    return (
        f"Rules: stay in character as {first}; speak only as {first}, never for {others}."
        " Reply with one to three short spoken sentences. No narration, actions, asterisks or"
        " name labels. Never describe ways to hurt yourself or anyone. Never say you are an AI."
    )


@dataclass(frozen=True)
class _Note:
    """The state note sent after one line: its stage, and its text with and without directive."""

    stage: str
    full: str
    short: str

    def text(self, previous_stage: str | None) -> str:
        """The directive is repeated only when the stage changed since the note before it."""
        return self.short if self.stage == previous_stage else self.full


class PromptBuilder:
    """Builds the chat messages for one character's next reply."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        max_history_turns: int = MAX_HISTORY_TURNS,
        max_line_chars: int = 200,
        max_tokens: int = MAX_PROMPT_TOKENS,
    ) -> None:
        self._card = scenario
        self._max_turns = max_history_turns
        self._max_line = max_line_chars
        self._max_tokens = max_tokens
        self._stable = {s: self._persona(s) for s in scenario.speakers}
        # (speaker, transcript turns before it) → the note sent after that many turns
        self._notes: dict[tuple[str, int], _Note] = {}

    def persona_prompt(self, speaker: str = SUBJECT) -> str:
        """The stable head of the system prompt for ``speaker`` (card and rules)."""
        return self._stable[speaker]

    def state_prompt(
        self,
        speaker: str,
        state: PersonaState,
        context: Sequence[str] = (),
        examples: Sequence[str] = (),
    ) -> str:
        """The variable state: stage directive, agitation, recent events, lines to stay close to.

        ``examples`` are the card's authored lines for this moment: the reply stays close to them.
        """
        return self._note(speaker, state, context, examples).full

    def _note(
        self, speaker: str, state: PersonaState, context: Sequence[str], examples: Sequence[str]
    ) -> _Note:
        subject = self._card.subject
        spec = self._card.stages.get(state.stage)
        level = round(state.agitation)
        if speaker == SUBJECT:
            head, directive = f"Right now: {state.stage}, agitation {level}/100.", spec.directive
        else:
            mood = spec.emotion.replace("_", " ")
            head = (
                f"Right now {subject.name.split()[0]} is {state.stage} ({mood}), agitation"
                f" {level}/100."
            )
            directive = "Support the officer; keep it calm and brief."
        tail = ""
        if context:
            tail += " Just happened: " + " ".join(context[-3:])
        if examples:
            tail += " Answer in your own words, close to: " + " / ".join(examples[:3])
        return _Note(state.stage, _flat(f"{head} {directive}{tail}"), _flat(f"{head}{tail}"))

    def messages(
        self,
        history: Sequence[Mapping[str, object]],
        *,
        state: PersonaState,
        speaker: str = SUBJECT,
        context: Sequence[str] = (),
        examples: Sequence[str] = (),
    ) -> list[Message]:
        """Card, recent history ending with the user message the reply answers, then the state.

        The state is a system message after the last user message, just before the reply
        (ChatML-style templates such as SmolLM2's, Qwen's and Llama 3's take it there); it is
        kept for later prompts, after the line it answered, so that they extend this one.
        """
        self._notes[(speaker, len(history))] = self._note(speaker, state, context, examples)
        stable: Message = {"role": "system", "content": self._stable[speaker]}
        turns = self._history(history, speaker)

        def prompt(start: int) -> list[Message]:
            chat: list[Message] = []
            stage: str | None = None
            for after, message in turns[start:]:
                chat.append(message)
                note = self._notes.get((speaker, after)) if after < len(history) else None
                if note is not None:
                    chat.append({"role": "system", "content": note.text(stage)})
                    stage = note.stage
            last = self._notes[(speaker, len(history))]
            now: Message = {"role": "system", "content": last.text(stage)}
            return [stable, *_answerable(_merged(chat)), now]

        step = window_step(self._max_turns)
        while True:
            # The first start on a grid of whole steps where the prompt fits: the same starts on
            # every turn, so the prefix holds until the window next moves (by a whole step).
            for start in range(0, len(turns), step):
                if estimate_tokens(prompt(start)) <= self._max_tokens:
                    return prompt(start)
            if step == 2:
                return prompt(len(turns))  # not even the last exchange fits
            step = max(2, step // 4 * 2)  # too long even so: a finer grid

    # -- internals ---------------------------------------------------------------------------

    def _label(self, speaker: str) -> str:
        if speaker == OFFICER:
            return "Officer"
        if speaker == SUBJECT:
            return self._card.subject.name.split()[0]
        return self._card.character(speaker).name.split()[0]

    def _history(
        self, history: Sequence[Mapping[str, object]], speaker: str
    ) -> list[tuple[int, Message]]:
        """Recent turns as chat messages, one per turn: ``speaker``'s own are the assistant's.

        Each comes with the number of transcript turns up to and including it.
        """
        labelled = bool(self._card.characters)
        out: list[tuple[int, Message]] = []
        first = window_start(len(history), self._max_turns)
        for i, turn in enumerate(history[first:], start=first + 1):
            who = str(turn.get("speaker", OFFICER))
            text = _flat(str(turn.get("text", "")))[: self._max_line]
            if not text:
                continue
            role = "assistant" if who == speaker else "user"
            if role == "user" and labelled:
                text = f"{self._label(who)}: {text}"
            out.append((i, {"role": role, "content": text}))
        return out

    def _persona(self, speaker: str) -> str:
        card = self._card
        s = card.subject
        first = s.name.split()[0]
        if speaker == SUBJECT:
            others = ", ".join(c.name for c in card.characters)
            lines = [
                f"You are {s.name}, {s.description}",
                f"About {first}: {s.history} {card.hidden_truth}",
                f"How you talk: {s.speech_style}",
                f"What you want: {s.wants}",
            ]
            if others:
                lines.append(f"Also here: {others}.")
            lines.append(_rules(first, f"the officer or {others}" if others else "the officer"))
        else:
            c = card.character(speaker)
            lines = [
                f"You are {c.name}, {c.role}",
                c.persona,
                f"How you talk: {c.speech_style}",
                f"With you: a police officer, and {s.name}, {s.description}",
                _rules(c.name.split()[0], f"the officer or {first}"),
            ]
        return "\n".join(_flat(line) for line in lines)


def window_step(keep: int) -> int:
    """How far the history window moves at a time: half its size, in whole exchanges."""
    return max(2, keep // 4 * 2)


def window_start(n: int, keep: int) -> int:
    """First of ``n`` history turns in the prompt, keeping at most ``keep``.

    The window moves by half its size at a time (``window_step``), not one message at a time, so
    that the prompt's prefix (and the LLM server's cache of it) stays the same for several turns
    in a row, and only a move makes the server read the kept history again.
    """
    if n <= keep:
        return 0
    step = window_step(keep)
    return -(-(n - keep) // step) * step


def _answerable(chat: list[Message]) -> list[Message]:
    """The chat, ending with a user message for the reply to answer."""
    if not chat or chat[-1]["role"] != "user":
        chat.append({"role": "user", "content": "Hello?"})
    return chat


def _merged(turns: list[Message]) -> list[Message]:
    """Consecutive messages of one role joined into one."""
    out: list[Message] = []
    for m in turns:
        if out and out[-1]["role"] == m["role"]:
            out[-1] = {"role": m["role"], "content": f"{out[-1]['content']}\n{m['content']}"}
        else:
            out.append(dict(m))
    return out


def _flat(text: str) -> str:
    """Collapse YAML line breaks and runs of spaces."""
    return " ".join(text.split())
