"""The one exception type of the Python API: a mistake of the caller, which the public methods log
as an `E <method>: <what> (hint: <how to fix>)` line and turn into the toolkit's failure value."""


class UserError(Exception):
    """A mistake of the caller: logged as an E line, never raised to the script."""

    def __init__(self, message, hint=None):
        super().__init__(message if not hint else '%s (hint: %s)' % (message, hint))
