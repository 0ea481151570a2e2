"""Rules, per-user baselines and the score that joins them."""
