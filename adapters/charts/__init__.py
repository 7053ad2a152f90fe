"""Charts for organisers, drawn from figures the core has already computed and suppressed."""
