"""Dialogue analysis: the dialogue acts of officer utterances, shared by the persona and review."""
