"""SQLAlchemy storage for Corridor: tables, repositories, the unit of work and migrations.

The composition root calls, in order::

    engine = storage.schema.prepare(url)          # or upgrade(url) for `corridor db upgrade`
    uow_factory = storage.uow.SqlUnitOfWorkFactory(engine)

Nothing here opens a connection at import time.
"""
