"""Evidence to one calibrated probability per fact, and its review status."""
