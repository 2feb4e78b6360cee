"""Stage 3 before the decision: screening, reviews against the criteria, the proposal, and rectification."""
