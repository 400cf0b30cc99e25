"""Speed and memory measurements; run with `python -m benchmarks` (or one module each)."""
