"""Pure billing logic and values: no I/O, no clock, no database, no Rich, no pandas."""
