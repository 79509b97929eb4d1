"""The synthetic chains `substrate-loader generate` writes (loader/generate.py)."""
