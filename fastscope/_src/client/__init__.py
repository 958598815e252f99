"""The client: Session, plan compilation and the executor."""
