"""Early-warning alerts (spikes and repeated complaints) and their lifecycle."""
