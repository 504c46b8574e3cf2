"""Reading the project's data files: YAML checked against its JSON Schema.

Every file in ``data/`` (manifest, monograph, references, scenes, sequences,
interfaces, quizzes) goes through here, so a mistake in one is reported the same
way: the file, the place inside it and what is wrong.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .errors import DataError

if TYPE_CHECKING:
    from jsonschema import ValidationError


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path} is missing; restore it from git (git checkout -- {path.name}).") from None
    except yaml.YAMLError as err:
        raise DataError(f"{path} is not valid YAML: {err}") from None


def schema_error(data: object, schema_path: Path) -> ValidationError | None:
    """The most relevant way *data* breaks the schema, or None when it is valid."""
    import jsonschema  # imported here: it takes a second to import, and only data loading needs it

    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    return jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(data))


def where(error: ValidationError) -> str:
    return "/".join(str(p) for p in error.absolute_path) or "(top level)"


def validate_against_schema(data: object, schema_path: Path, source: Path | str) -> None:
    """Raise :class:`DataError` naming the place where *data* breaks the schema."""
    error = schema_error(data, schema_path)
    if error is not None:
        raise DataError(f"{source}: {where(error)}: {error.message}")


def load_validated(path: Path, schema_path: Path) -> dict[str, Any]:
    """The YAML file at *path*, checked against the JSON Schema at *schema_path*."""
    data = read_yaml(path)
    validate_against_schema(data, schema_path, path)
    return data
