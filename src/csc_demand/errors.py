"""The one error type the package raises for problems a user can fix."""


class CscDemandError(Exception):
    """A problem the user can act on (a bad file, a bad scenario, a missing list).

    The message is one or two plain-English sentences that say what is wrong, where (file, sheet, row,
    column) and what to do. It never contains child-level data. The CLI prints it without a traceback.
    """
