"""puptect-tui: watch login events, score them, and show what an analyst should see."""

__version__ = "0.1.0"
