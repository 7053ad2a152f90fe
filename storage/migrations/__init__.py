"""Alembic migrations. A package only so that env.py is installed along with the versions."""
