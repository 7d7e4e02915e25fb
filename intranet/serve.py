"""How the portal runs daphne: daphne's own command line, with the chat protocol's limits.

    python -m intranet.serve -v 0 -b 127.0.0.1 -p 8001 intranet.asgi:application

takes every argument of `python -m daphne`. Two things differ from daphne's defaults:

- The maximum WebSocket message and frame size is the protocol's `MAX_MESSAGE_BYTES`
  (chat/protocol.py, 64 KiB) instead of 1 MiB: nothing the chat accepts comes close, and
  daphne need not buffer more per socket.
- A message over that size is answered with a close frame, code 1009 (message too big),
  as docs/chat-protocol.md says. autobahn, which daphne uses, fails such a connection by
  dropping TCP without a word by default (`failByDrop`); the browser then sees 1006 and
  cannot tell an oversized message from a network fault.
"""

import sys

from daphne.cli import CommandLineInterface
from daphne.server import Server

from chat.protocol import MAX_MESSAGE_BYTES


class PortalServer(Server):
    """daphne's server, whose WebSocket factory closes failed connections with a code."""

    @property
    def ws_factory(self):
        return self._ws_factory

    @ws_factory.setter
    def ws_factory(self, factory):
        # Server.run() creates the factory and sets its size limits; this runs in between.
        factory.setProtocolOptions(failByDrop=False)
        self._ws_factory = factory


class PortalCommandLine(CommandLineInterface):
    server_class = PortalServer

    def __init__(self):
        super().__init__()
        self.parser.set_defaults(
            websocket_max_message_size=MAX_MESSAGE_BYTES,
            websocket_max_frame_size=MAX_MESSAGE_BYTES,
        )


def main(argv: list[str] | None = None) -> None:
    PortalCommandLine().run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
