from __future__ import annotations

from appliance.persona.sentences import SentenceStream, is_complete, split_sentences


def test_yields_each_sentence_as_soon_as_it_ends() -> None:
    stream = SentenceStream()
    assert stream.feed("Stay ") == []
    assert stream.feed("back") == []
    assert stream.feed(".") == []  # could still be "back..." or "back.\""
    assert stream.feed(" I") == ["Stay back."]
    assert stream.feed(" mean it! Go") == ["I mean it!"]
    assert stream.flush() == ["Go"]
    assert stream.flush() == []


def test_newline_ends_a_line() -> None:
    stream = SentenceStream()
    assert stream.feed("Leave me alone\nCLINICIAN: Hi") == ["Leave me alone"]


def test_abbreviations_initials_and_numbers_do_not_split() -> None:
    text = "Dr. Reyes said it. I have 3.5 dollars and J. Smith knows. Ms. Carter, wait!"
    assert split_sentences(text) == [
        "Dr. Reyes said it.",
        "I have 3.5 dollars and J. Smith knows.",
        "Ms. Carter, wait!",
    ]


def test_quotes_and_ellipses_stay_with_their_sentence() -> None:
    assert split_sentences('He said "go away." Then... nothing?! Fine') == [
        'He said "go away."',
        "Then...",
        "nothing?!",
        "Fine",
    ]


def test_stage_directions_are_not_split_inside() -> None:
    assert split_sentences("*sighs. looks away.* Fine. (He waits. Then nods.) Okay.") == [
        "*sighs. looks away.* Fine.",
        "(He waits. Then nods.) Okay.",
    ]


def test_long_run_on_is_cut_at_a_clause_break() -> None:
    stream = SentenceStream(soft_max_chars=60)
    text = "I walked and walked all night long, nobody listened to me at all, and I just kept going"
    out = stream.feed(text)
    assert out and out[0].endswith(",") and len(out[0]) <= 60


def test_stream_and_whole_text_agree() -> None:
    text = "No. No! Why are you here? I didn't call anybody... Just go.\nOkay"
    stream = SentenceStream()
    pieces = [text[i : i + 3] for i in range(0, len(text), 3)]
    streamed = [s for p in pieces for s in stream.feed(p)] + stream.flush()
    assert streamed == split_sentences(text)


def test_is_complete() -> None:
    assert is_complete("Stay back.") and is_complete('He said "no!"') and is_complete("Why?")
    assert not is_complete("I went to the")


def test_the_first_piece_may_end_at_a_clause_so_its_voice_starts_sooner() -> None:
    text = "I've had a really long day, and I'm not talking to you. Go away, please, just go."
    stream = SentenceStream(first_clause_chars=16)
    pieces = [text[i : i + 4] for i in range(0, len(text), 4)]
    streamed = [s for p in pieces for s in stream.feed(p)] + stream.flush()
    assert (
        streamed
        == split_sentences(text, first_clause_chars=16)
        == [
            "I've had a really long day,",
            "and I'm not talking to you.",
            "Go away, please, just go.",  # only the first piece: later sentences stay whole
        ]
    )
    assert split_sentences(text) == [
        "I've had a really long day, and I'm not talking to you.",
        "Go away, please, just go.",
    ]


def test_a_first_clause_is_never_cut_short_inside_a_direction_or_after_a_label() -> None:
    assert split_sentences("No, no. Fine.", first_clause_chars=16) == ["No, no.", "Fine."]
    text = "*shakes head, slowly, twice* No way, man, you are not coming in here."
    assert split_sentences(text, first_clause_chars=16) == [
        "*shakes head, slowly, twice* No way,",
        "man, you are not coming in here.",
    ]
    assert split_sentences("CLINICIAN: Hello there Jordan.", first_clause_chars=5) == [
        "CLINICIAN: Hello there Jordan."
    ]
    # A short tail stays with its sentence, streamed or whole.
    stream = SentenceStream(first_clause_chars=16)
    assert stream.feed("I'm right here with you, Sam") == []
    assert stream.feed(". Okay?") == ["I'm right here with you, Sam."]
    assert split_sentences("I'm right here with you, Sam.", first_clause_chars=16) == [
        "I'm right here with you, Sam."
    ]
