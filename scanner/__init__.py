"""derbes' scanner: sources, sampling, the scan engine, policy mapping and the CLI."""
