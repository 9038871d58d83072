"""The one exception type users see: a bad input or argument, reported as one line."""


class WarwireError(Exception):
    """A problem with the user's input, recipe, data or model dir.

    The CLI prints ``error: <message>`` and exits with status 2; the message must say
    which file, line or record is wrong and what is wrong with it.
    """

