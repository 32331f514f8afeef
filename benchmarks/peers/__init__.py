"""Peers: the same turns through other voice-agent frameworks, for comparison."""
