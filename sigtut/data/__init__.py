"""Data sets of the paper's experiments, each a seeded function returning tensors."""
