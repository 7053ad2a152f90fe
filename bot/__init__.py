"""Corridor's core engine: pure Python, no platform, database or scheduler imports."""
