"""The rules, grouped by what they look at: the agent, failures, the network."""
