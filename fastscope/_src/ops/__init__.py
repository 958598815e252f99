"""Op definitions: each op registered once (inputs, shape function, kernel, traits)."""
