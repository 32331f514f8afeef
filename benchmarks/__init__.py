"""Turn-latency and per-stage benchmarks of the appliance (run on demand, not as timed tests)."""
