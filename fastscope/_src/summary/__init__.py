"""Summaries: summary ops, event files and FileWriter."""
