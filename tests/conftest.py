import pytest

import fastscope as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    """Every test starts on an empty default graph with no default session."""
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()
