"""The one exception type users see: a bad input or argument, reported as one line."""


class WarwireError(Exception):
    """A problem with the user's input, recipe, data or model dir.

    The CLI prints ``error: <message>`` and exits with status 2; the message must say
    which file, line or record is wrong and what is wrong with it.
    """


def first_line(error: BaseException) -> str:
    """The first line of an exception's message, or its type name when it has none.

    Library errors (tokenizers, safetensors, torch.export) often carry pages of detail;
    a user-facing message keeps the line that says what went wrong.
    """
    message = str(error).strip()
    return message.splitlines()[0] if message else type(error).__name__


def render(error: BaseException) -> str:
    """The one-line form of an error for stderr: ``error: <message>``."""
    return f"error: {first_line(error) if not isinstance(error, WarwireError) else str(error)}"
