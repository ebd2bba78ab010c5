"""derbes' report writers: one module per format, each a pure function of a scan result."""
