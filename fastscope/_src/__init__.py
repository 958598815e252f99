"""fastscope's implementation. Nothing here is public API; see fastscope/__init__.py."""
