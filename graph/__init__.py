"""The domain models, the store interface and its two adapters, and the questions asked of the graph."""
