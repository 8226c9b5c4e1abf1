"""Background jobs: the Dramatiq broker and middleware, actors, the outbox relay and the scheduler."""
