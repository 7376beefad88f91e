"""The SQLAlchemy side: engine, session factory and the tasks table.

Debian 12 packages SQLAlchemy 1.4, used here in its 2.0 style
(`future=True` engine and sessions, `select()`, `Session.get`). The database
file comes from TASKS_DB (bench/run points it into a temporary directory it
removes)."""
import os

from sqlalchemy import JSON, Column, DateTime, Index, Integer, String, create_engine, event
from sqlalchemy.orm import declarative_base, sessionmaker
from sqlalchemy.pool import QueuePool

DATABASE = os.environ.get("TASKS_DB", "tasks.db")

# SQLAlchemy 1.4 gives a file database a NullPool (a new connection per
# session); 2.0 changed that default to QueuePool, which is what is wanted:
# connections, their pragmas and their statement caches are reused. The
# sessions run in FastAPI's thread pool, hence check_same_thread=False (a
# connection is used by one thread at a time, as the pool hands it out).
engine = create_engine(f"sqlite:///{DATABASE}", future=True, poolclass=QueuePool,
                       connect_args={"check_same_thread": False})


@event.listens_for(engine, "connect")
def _pragmas(dbapi_connection, _record):
    # WAL lets readers run beside the writer; synchronous=FULL makes each
    # commit durable (fsync of the WAL) before it returns. Concurrent writers
    # wait for each other up to the driver's 5 s busy timeout.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


SessionLocal = sessionmaker(bind=engine, future=True, autoflush=False)

Base = declarative_base()


class TaskRow(Base):
    __tablename__ = "tasks"

    id = Column(String, primary_key=True)
    title = Column(String, nullable=False)
    description = Column(String, nullable=False, default="")
    status = Column(String, nullable=False, default="pending")
    priority = Column(Integer, nullable=False, default=1)
    due_at = Column(DateTime)                  # naive, UTC
    tags = Column(JSON, nullable=False, default=list)
    created_at = Column(DateTime, nullable=False)  # naive, UTC
    updated_at = Column(DateTime, nullable=False)
    version = Column(Integer, nullable=False, default=1)

    __table_args__ = (Index("tasks_status_created_at", "status", "created_at"),)
