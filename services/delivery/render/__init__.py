"""Drawing what the delivery service hands out: the acceptance certificate (PDF)."""
