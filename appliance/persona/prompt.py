"""Prompt builder: OpenAI chat messages that let a small LLM voice the persona's state.

The first system message is the character card and the rules (identical on every turn), then the
recent history, then the variable state (stage directive, agitation, recent injects) just before
the line the reply answers, so each prompt extends the previous one and the LLM server reuses its
prefix cache. History is bounded so the whole prompt fits a small model's context.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from appliance.inference.llm_client import Message
from appliance.persona.scenario import Scenario
from appliance.persona.state import PersonaState
from appliance.persona.vocabulary import OFFICER, SUBJECT

MAX_PROMPT_TOKENS = 700
MAX_HISTORY_TURNS = 10  # transcript turns a prompt may carry (see window_start)
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
        """The variable tail of the system prompt: stage directive, agitation, recent events.

        ``examples`` are the card's authored lines for this moment: the reply stays close to them.
        """
        subject = self._card.subject
        spec = self._card.stages.get(state.stage)
        level = round(state.agitation)
        if speaker == SUBJECT:
            text = f"Right now: {state.stage}, agitation {level}/100. {spec.directive}"
        else:
            mood = spec.emotion.replace("_", " ")
            text = (
                f"Right now {subject.name.split()[0]} is {state.stage} ({mood}), agitation"
                f" {level}/100. Support the officer; keep it calm and brief."
            )
        if context:
            text += " Just happened: " + " ".join(context[-3:])
        if examples:
            text += " Answer in your own words, close to: " + " / ".join(examples[:3])
        return _flat(text)

    def messages(
        self,
        history: Sequence[Mapping[str, object]],
        *,
        state: PersonaState,
        speaker: str = SUBJECT,
        context: Sequence[str] = (),
        examples: Sequence[str] = (),
    ) -> list[Message]:
        """Card, bounded recent history, the state, then the user message the reply answers.

        Everything before the last exchange repeats the previous turn's prompt token for token,
        so the LLM server re-reads only the newest lines (llama.cpp reuses the matching prefix of
        its cache; vLLM caches prefixes). The state is a second system message just before the
        last user message: ChatML-style templates (SmolLM2, Qwen, Llama 3) take it there.
        """
        stable: Message = {"role": "system", "content": self._stable[speaker]}
        now: Message = {
            "role": "system",
            "content": self.state_prompt(speaker, state, context, examples),
        }
        turns = self._history(history, speaker)
        while True:
            chat = _merged(turns)
            if not chat or chat[-1]["role"] != "user":
                chat.append({"role": "user", "content": "Hello?"})
            prompt = [stable, *chat[:-1], now, chat[-1]]
            if not turns or estimate_tokens(prompt) <= self._max_tokens:
                return prompt
            turns = turns[2:]  # a whole exchange at a time

    # -- internals ---------------------------------------------------------------------------

    def _label(self, speaker: str) -> str:
        if speaker == OFFICER:
            return "Officer"
        if speaker == SUBJECT:
            return self._card.subject.name.split()[0]
        return self._card.character(speaker).name.split()[0]

    def _history(self, history: Sequence[Mapping[str, object]], speaker: str) -> list[Message]:
        """Recent turns as chat messages, one per turn: ``speaker``'s own are the assistant's."""
        labelled = bool(self._card.characters)
        out: list[Message] = []
        for turn in history[window_start(len(history), self._max_turns) :]:
            who = str(turn.get("speaker", OFFICER))
            text = _flat(str(turn.get("text", "")))[: self._max_line]
            if not text:
                continue
            role = "assistant" if who == speaker else "user"
            if role == "user" and labelled:
                text = f"{self._label(who)}: {text}"
            out.append({"role": role, "content": text})
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


def window_start(n: int, keep: int) -> int:
    """First of ``n`` history turns in the prompt, keeping at most ``keep``.

    The window moves in steps of about 60 % of its size (whole exchanges), not one turn at a
    time, so that the prompt's prefix (and the LLM server's cache of it) stays the same for
    several turns in a row.
    """
    if n <= keep:
        return 0
    step = max(2, round(keep * 0.3) * 2)
    return -(-(n - keep) // step) * step


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
