"""Forms of the certification pages, one module per page group."""
