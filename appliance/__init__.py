"""CodeBlu appliance: practise crisis and de-escalation calls out loud, get a scored review."""

__version__ = "0.1.0"
