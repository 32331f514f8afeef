"""The transport-free turn: endpoint, ASR, analysis, persona, reply lines, audio; typed events."""
