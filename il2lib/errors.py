"""The library's own error types.

Every error a user can cause (a typo in an id, a bad path, no network, a
corrupt file) is raised as an :class:`Il2libError` subclass whose message
names the input and says what to do next.
"""

from __future__ import annotations


class Il2libError(Exception):
    """Base class: catch this to handle any il2lib error."""


class UnknownEntryError(Il2libError, KeyError):
    """A PDB id is well-formed but not in our manifest, or a name is unknown."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class InvalidInputError(Il2libError, ValueError):
    """An argument is malformed: a bad id, an unknown style, chain or scene."""


class StructureFileError(Il2libError):
    """A coordinate file is missing, empty, truncated, binary or the wrong entry."""


class DownloadError(Il2libError):
    """A file could not be fetched (no network, server error) and nothing is cached."""


class CacheError(Il2libError):
    """The cache directory cannot be created or written."""


class DataError(Il2libError):
    """A file in data/ (monograph, manifest, scenes, quiz) fails its schema."""
