"""Every error the library raises for a user to read, in one place.

Each carries a one-line message that names the file or argument at fault and
says what to do; the CLI prints it and exits non-zero.
"""

from __future__ import annotations

__all__ = [
    "KgError",
    "InputError",
    "GraphNotBuiltError",
    "EntityNotFound",
    "AmbiguousName",
    "NoPath",
    "QueryError",
    "OutputError",
    "ServerError",
    "ConfigError",
    "DocumentError",
]


class KgError(Exception):
    """Base class: a problem the user can fix; ``exit_code`` is what the CLI returns."""

    exit_code = 2


class InputError(KgError, ValueError):
    """A document or argument that cannot be read or used."""


class GraphNotBuiltError(KgError, FileNotFoundError):
    """The built graph a command needs is missing."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} not found: run `kg build` first (or pass --graph DIR)")


class EntityNotFound(KgError, LookupError):
    """No entity has the given name; ``suggestions`` are the closest known names."""

    def __init__(self, name: str, suggestions: list[str] | None = None) -> None:
        self.name = name
        self.suggestions = list(suggestions or [])
        hint = f"; did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"no entity named {name!r}{hint}")


class AmbiguousName(EntityNotFound):
    """A name that fits several entities; ``suggestions`` are the candidates."""

    def __init__(self, name: str, candidates: list[str]) -> None:
        super().__init__(name, candidates)
        self.args = (f"{name!r} fits several entities: {', '.join(candidates)}; "
                     "give one of these names",)


class NoPath(KgError):
    """Two entities are not connected within the allowed hops."""

    exit_code = 1


class QueryError(KgError, ValueError):
    """A SPARQL query that does not parse or fails."""


class OutputError(KgError, OSError):
    """An output location that cannot be written."""


class ServerError(KgError, RuntimeError):
    """The SPARQL server cannot start, or a remote store cannot be reached or refuses data."""


class ConfigError(InputError):
    """A pipeline config (or a data file it names) that cannot make a pipeline."""


class DocumentError(InputError):
    """A document cannot be read; the message is one line naming the file and what to do."""
