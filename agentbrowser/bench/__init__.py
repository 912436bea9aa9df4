"""The performance benchmark: `python -m agentbrowser.bench` prints measurements against floors.

Not part of the pure model: it may import rich and textual, and it starts processes in tmux.
"""
