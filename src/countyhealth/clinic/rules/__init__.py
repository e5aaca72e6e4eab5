"""Clinical and workflow rules of the clinic: pure functions and data citing their source."""
