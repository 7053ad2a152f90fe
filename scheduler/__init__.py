"""Scheduled work: APScheduler triggers around idempotent job bodies that call the core."""
