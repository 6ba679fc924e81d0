"""Errors a user can act on: each carries one sentence that says what is wrong and what to do."""


class CmographError(Exception):
    """Base for problems shown to users as a message, never as a traceback."""


class StoreUnavailable(CmographError):
    """The store cannot be reached right now; trying again later may work."""


class StoreConfigError(CmographError):
    """The store location, credentials or files are wrong; retrying will not help."""


class StoreBusy(CmographError):
    """Another process is writing to the store."""


class WriteIncomplete(CmographError):
    """A batched write created fewer rows than it was given: the staged write is abandoned.

    Validation makes this impossible for a bundle, so it is a fault of ours (a 500 in the API)."""


class NotFound(CmographError):
    def __init__(self, kind: str, id: str) -> None:
        super().__init__(f"No {kind} with id {id!r} in the store.")
        self.kind = kind
        self.id = id
