"""The one exception the datasets package raises."""


class DatasetError(ValueError):
    """A dataset could not be made or read; the message says what and how to fix it.

    Every loader, reader and option check raises this type with a plain-words
    message (naming the file, column, row or option), so the app can show the
    message as it is.
    """


def require_path(value, what: str):
    """``value`` as a :class:`~pathlib.Path`; a plain-words error when no path was chosen yet."""
    from pathlib import Path

    if value is None or not str(value).strip():
        raise DatasetError(f"no {what} chosen yet; pick one in the dataset settings")
    return Path(value)
