"""Training and held-out evaluation of the dialogue-act classifier (not used at run time)."""
