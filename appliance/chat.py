"""``python -m appliance chat``: text mode for scenario authors and instructors.

Type officer lines (or give a script: one line per line, ``[pause N]`` for N seconds of officer
silence) and see each reply with the acts heard, the stage, the agitation and the topic chosen.
The state machine and the line choice are the live ones; a script goes on past an outcome so
every line can be probed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from appliance.dialogue.analysis import ACTS, UtteranceAnalyzer
from appliance.errors import ApplianceError
from appliance.inference.llm_client import LLMClient
from appliance.persona.lines import FALLBACK, Choice, prepare
from appliance.persona.scenario import Scenario, load_scenario, load_scenario_file
from appliance.settings import Settings, load_settings
from appliance.turn.conversation import Conversation, ReplyPlan
from appliance.turn.reply import grounded_lines
from appliance.turn.timeline import TurnTimeline

_PAUSE = re.compile(r"^\[pause\s+(\d+(?:\.\d+)?)\s*s?\]$", re.IGNORECASE)
WORDS_PER_S = 2.5  # officer speech, for the session clock


@dataclass(frozen=True)
class ScriptLine:
    """One step of a script: an officer line, or seconds of officer silence."""

    officer: str | None
    pause_s: float = 0.0


def parse_script(text: str) -> Iterator[ScriptLine]:
    """Script steps; blank lines and ``#`` comments are skipped."""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if m := _PAUSE.match(line):
            yield ScriptLine(None, float(m.group(1)))
        else:
            yield ScriptLine(line)


class Chat:
    """One text-mode session on a card: the live persona, line choice and (optionally) LLM."""

    def __init__(
        self,
        scenario: Scenario,
        analyzer: UtteranceAnalyzer,
        settings: Settings,
        llm: LLMClient | None = None,
    ) -> None:
        prepare(scenario, analyzer.encoder)
        self.settings = settings
        self.llm = llm
        self.conversation = Conversation(
            scenario,
            analyzer,
            session_id="chat",
            officer={"id": "chat", "name": "Officer"},
            topic_threshold=settings.persona.topic_threshold,
        )
        self.clock = 0.0

    async def say(self, text: str) -> dict[str, Any]:
        """The officer says ``text``: the result object of the JSON output."""
        started = time.perf_counter()
        start = self.clock
        end = start + max(1.0, len(text.split()) / WORDS_PER_S)
        analysis, state = self.conversation.officer_turn(text, start=start, end=end)
        self.clock = end + 0.4
        replies = await self._replies(self.conversation.reply_plans(), started)
        return self._result(text, [a for a in ACTS if a in analysis.acts], replies)

    async def pause(self, seconds: float) -> dict[str, Any]:
        """The officer says nothing for ``seconds``; the subject may speak up."""
        started = time.perf_counter()
        self.clock += seconds
        self.conversation.persona.tick(self.clock)
        replies: list[dict[str, Any]] = []
        if seconds >= self.settings.persona.silence_s:
            replies = await self._replies(self.conversation.reply_plans("silence"), started)
        return {**self._result(None, [], replies), "pause": seconds}

    async def _replies(self, plans: Iterator[ReplyPlan], started: float) -> list[dict[str, Any]]:
        out = []
        for plan in plans:
            text, source = await self._words(plan)
            ms = round((time.perf_counter() - started) * 1000.0, 1)
            length = len(text.split()) / 2.8
            self.conversation.character_turn(
                plan.speaker, text, start=self.clock, end=self.clock + length
            )
            self.clock += length + 0.3
            choice = plan.authored
            out.append(
                {
                    "speaker": plan.speaker,
                    "text": text,
                    "source": source,
                    "ms": ms,
                    "topic": choice.topic,
                    "score": choice.score,
                }
            )
        return out

    async def _words(self, plan: ReplyPlan) -> tuple[str, str]:
        """The reply's text and where it came from: authored, fallback or llm."""
        choice: Choice = plan.authored
        authored = (choice.text, "authored" if choice.authored else FALLBACK)
        if self.llm is None:
            return authored
        budget = self.settings.persona.llm_first_sentence_ms / 1000.0
        lines = [
            line
            async for line in grounded_lines(
                self.llm,
                plan.messages,
                plan.lines,
                choice,
                timeline=TurnTimeline(),
                budget_s=budget,
            )
        ]
        if lines == [choice]:
            return authored
        return " ".join(line.text for line in lines), "llm"

    def _result(
        self, officer: str | None, acts: list[str], replies: list[dict[str, Any]]
    ) -> dict[str, Any]:
        state = self.conversation.persona.state
        first = replies[0] if replies else {}
        return {
            "officer": officer,
            "acts": acts,
            "stage": state.stage,
            "agitation": round(state.agitation, 1),
            "topic": first.get("topic"),
            "score": first.get("score"),
            "replies": replies,
            "outcome": state.outcome,
        }


def _show(result: dict[str, Any], names: dict[str, str]) -> str:
    """A person-readable rendering of one result."""
    head = (
        f"  [{', '.join(result['acts']) or 'no acts'} | {result['stage']}, agitation"
        f" {result['agitation']:g} | topic {result['topic']} ({result['score']})]"
    )
    lines = [head] + [
        f"  {names.get(r['speaker'], r['speaker'])}: {r['text']}"
        f"   ({r['source']}, {r['ms']:.0f} ms)"
        for r in result["replies"]
    ]
    if result["outcome"]:
        lines.append(f"  -- outcome: {result['outcome']}")
    return "\n".join(lines)


def _markdown(result: dict[str, Any], names: dict[str, str]) -> str:
    """One step of a transcript for people to read (``--markdown``)."""
    if result["officer"] is None:
        out = [f"*({result.get('pause', 0):g} s of silence)*", ""]
    else:
        out = [f"**Officer:** {result['officer']}", ""]
    for r in result["replies"]:
        note = f"{r['topic']}, {result['stage']} {result['agitation']:g}"
        out += [f"**{names.get(r['speaker'], r['speaker'])}:** {r['text']} <sub>{note}</sub>", ""]
    if result["outcome"]:
        out += [f"*Outcome: {result['outcome']}.*", ""]
    return "\n".join(out)


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.card is not None:  # a card being written, not (yet) in the library
        scenario = load_scenario_file(args.card)
    else:
        scenario = load_scenario(args.scenario)  # an unknown id names the valid ones
    steps = list(parse_script(args.script.read_text(encoding="utf-8"))) if args.script else None
    analyzer = await asyncio.to_thread(UtteranceAnalyzer.load)
    llm = None
    if args.voice == "llm":
        url = settings.llm.url or f"http://{settings.llm.host}:{settings.llm.port}/v1"
        llm = LLMClient(url, settings.llm.served_name, max_tokens=settings.llm.max_tokens)
    chat = Chat(scenario, analyzer, settings, llm)
    names = {"subject": scenario.subject.name.split()[0]}
    names.update({c.id: c.name.split()[0] for c in scenario.characters})
    try:
        if steps is None:
            print(
                f"{scenario.title}: {scenario.dispatch.strip()}\n(type officer lines; Ctrl-D ends)"
            )
            while (text := await asyncio.to_thread(_read)) is not None:
                print(_show(await chat.say(text) if text else await chat.pause(20.0), names))
            return 0
        if args.markdown:
            print(f"# {scenario.title}\n\n*Dispatch:* {scenario.dispatch.strip()}\n")
        for step in steps:
            result = await (chat.say(step.officer) if step.officer else chat.pause(step.pause_s))
            if args.json:
                print(json.dumps(result), flush=True)
            else:
                print(_markdown(result, names) if args.markdown else _show(result, names))
        return 0
    finally:
        if llm is not None:
            await llm.aclose()


def _read() -> str | None:
    try:
        return input("officer> ").strip()
    except EOFError:
        return None


def main(argv: list[str]) -> int:
    """Text mode on one card."""
    parser = argparse.ArgumentParser(prog="python -m appliance chat", description=__doc__)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--scenario", help="scenario card id")
    which.add_argument("--card", type=Path, help="a card file outside the library (authoring)")
    parser.add_argument("--script", type=Path, help="officer lines, one per line; [pause N]")
    parser.add_argument("--json", action="store_true", help="one JSON object per officer line")
    parser.add_argument("--markdown", action="store_true", help="a transcript for people to read")
    parser.add_argument(
        "--voice",
        choices=("authored", "llm"),
        default=None,
        help="who speaks (default: [persona] voice); llm needs a running LLM server",
    )
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        args.voice = args.voice or settings.persona.voice
        if args.script is not None and not args.script.is_file():
            raise ApplianceError(f"{args.script}: no such script file", code="script_missing")
        return asyncio.run(_run(args, settings))
    except ApplianceError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
