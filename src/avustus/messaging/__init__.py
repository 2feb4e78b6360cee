"""Messages and background work: the outbox (a message written with the change that causes it, sent once by a
task) and the worker that runs tasks with our retry policy. See docs/architecture.md."""
