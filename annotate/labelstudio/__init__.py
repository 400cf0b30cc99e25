"""The Label Studio round trip: labeling config, importing exports, syncing with a server.

Everything except `client` works on plain JSON; `client` needs the optional extra
`claimtrail[labelstudio]` (label-studio-sdk).
"""

from annotate.errors import Unavailable

SDK_HINT = "pip install 'claimtrail[labelstudio]'"


class SdkMissing(Unavailable):
    """label-studio-sdk is not installed; the message says how to get it."""

    def __init__(self, what: str):
        super().__init__(f"{what} needs the Label Studio SDK: {SDK_HINT}")
