"""Variables: Variable, scopes, the creation request, the store, getters, partitioning."""
