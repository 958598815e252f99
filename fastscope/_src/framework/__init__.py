"""Framework: dtypes, shapes, errors, Graph/Operation/Tensor, the op registry and op building."""
