"""Member records: people, their states and whereabouts, transfers, care programs, statistics."""
