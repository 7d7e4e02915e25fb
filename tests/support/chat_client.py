"""A small, honest model of the browser's chat client (static/js/chat.js) for tests on the
real stack: it connects through the proxy with the session cookie and the portal's Origin,
answers `hello` with `sync` from the last rev it holds and resends its unacknowledged sends
with the same client id, asks for a gap with `sync`, and shows a message once per seq
(a frame replaces what is shown only with a higher rev), as the page does.

The fault tests use it to check what a person would see when a service fails mid-stream.
Timing only scales down chat.js's back-off (1 … 30 s there) so a test stays short.
"""

import asyncio
import contextlib
import json
from dataclasses import dataclass, field

import websockets

# Refused sends the client keeps and sends again later (chat.js `onError`).
RETRY_CODES = {"rate_limited", "unavailable"}


@dataclass
class ChatClient:
    url: str  # ws://proxy/ws/
    origin: str  # http://proxy
    cookie: str
    room: int
    name: str = "client"
    backoff: tuple[float, float] = (0.2, 2.0)  # first and longest wait, in seconds

    cursor: int = 0  # highest rev held without a gap, as chat.js keeps it
    shown: dict[int, dict] = field(default_factory=dict)  # seq -> the message on the page
    frames: list[dict] = field(default_factory=list)  # every `message` frame, as received
    shows: int = 0  # frames that changed the page (a new seq, or a higher rev)
    outbox: dict[str, str] = field(default_factory=dict)  # client_id -> text, until acked
    acks: dict[str, dict] = field(default_factory=dict)
    acked_after_error: set[str] = field(default_factory=set)
    errors: list[dict] = field(default_factory=list)
    resyncs: list[dict] = field(default_factory=list)
    connects: int = 0  # `hello` frames: 1 plus the reconnects
    closes: int = 0

    def __post_init__(self):
        self.socket = None
        self._task: asyncio.Task | None = None
        self._retry: asyncio.TimerHandle | None = None
        self._retries = 0
        self._stopping = False
        self._connected = asyncio.Event()
        self._changed = asyncio.Event()  # set after every frame

    # --- the page's side ------------------------------------------------------------------

    async def start(self) -> "ChatClient":
        self._task = asyncio.create_task(self._run(), name=f"chat-{self.name}")
        await self.wait_connected()
        return self

    async def stop(self) -> None:
        self._stopping = True
        if self._retry is not None:
            self._retry.cancel()
        if self.socket is not None:
            await self.socket.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def wait_connected(self, seconds: float = 30) -> None:
        async with asyncio.timeout(seconds):
            await self._connected.wait()

    def send_text(self, client_id: str, text: str) -> None:
        """The composer's submit: the text stays in the outbox until its `ack`."""
        self.outbox[client_id] = text
        self._frame({"type": "send", "room": self.room, "client_id": client_id, "text": text})

    def ping(self) -> None:
        self._frame({"type": "ping"})

    async def wait_for(self, predicate, seconds: float = 30, what: str = "") -> None:
        """Wait until `predicate()` holds; the timeout only guards against "never"."""
        try:
            async with asyncio.timeout(seconds):
                while not predicate():
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            message = f"{self.name}: never {what or predicate} ({self.summary()})"
            raise AssertionError(message) from None

    def summary(self) -> str:
        return (
            f"shown={len(self.shown)} frames={len(self.frames)} outbox={len(self.outbox)} "
            f"acks={len(self.acks)} errors={[e['code'] for e in self.errors]} "
            f"connects={self.connects} cursor={self.cursor}"
        )

    # --- the socket -----------------------------------------------------------------------

    def _frame(self, data: dict) -> bool:
        if self.socket is None or not self._connected.is_set():
            return False
        asyncio.get_running_loop().create_task(self._send_quietly(json.dumps(data)))
        return True

    async def _send_quietly(self, text: str) -> None:
        with contextlib.suppress(websockets.ConnectionClosed, AttributeError):
            await self.socket.send(text)

    async def _run(self) -> None:
        delay = self.backoff[0]
        while not self._stopping:
            try:
                self.socket = await websockets.connect(
                    self.url,
                    additional_headers={"Origin": self.origin, "Cookie": self.cookie},
                    open_timeout=10,
                )
            except (OSError, TimeoutError, websockets.InvalidHandshake):
                # The proxy or the server refused (e.g. Redis down during the handshake).
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.backoff[1])
                continue
            delay = self.backoff[0]
            try:
                async for text in self.socket:
                    self._handle(json.loads(text))
                    self._changed.set()
            except websockets.ConnectionClosed:
                pass
            self._connected.clear()
            self.socket = None
            if not self._stopping:
                self.closes += 1
                await asyncio.sleep(self.backoff[0])

    def _flush_outbox(self) -> None:
        for client_id, text in list(self.outbox.items()):
            self._frame({"type": "send", "room": self.room, "client_id": client_id, "text": text})

    def _schedule_resend(self) -> None:
        if self._retry is not None:
            return
        delay = min(self.backoff[0] * 2**self._retries, self.backoff[1])
        self._retries += 1

        def resend():
            self._retry = None
            self._flush_outbox()

        self._retry = asyncio.get_running_loop().call_later(delay, resend)

    # --- frames, as chat.js `handle` treats them -----------------------------------------

    def _handle(self, frame: dict) -> None:
        kind = frame["type"]
        if kind == "hello":
            self.connects += 1
            self._connected.set()
            self._frame({"type": "sync", "rooms": {str(self.room): self.cursor}})
            self._flush_outbox()
        elif kind == "message":
            self._on_message(frame)
        elif kind == "ack":
            if self.outbox.pop(frame["client_id"], None) is not None:
                self._retries = 0
            if any(e.get("ref") == frame["client_id"] for e in self.errors):
                self.acked_after_error.add(frame["client_id"])
            self.acks[frame["client_id"]] = frame
        elif kind == "synced":
            state = frame["rooms"].get(str(self.room))
            if state and state["last_seq"] > self.cursor:
                self.cursor = state["last_seq"]
        elif kind == "resync":
            self.resyncs.append(frame)
        elif kind == "error":
            self.errors.append(frame)
            if frame.get("ref") in self.outbox:
                if frame["code"] in RETRY_CODES:
                    self._schedule_resend()
                else:
                    del self.outbox[frame["ref"]]

    def _on_message(self, message: dict) -> None:
        if message["room"] != self.room:
            return
        self.frames.append(message)
        if message["rev"] > self.cursor + 1:
            # A broadcast went missing: ask the database for the gap.
            self._frame({"type": "sync", "rooms": {str(self.room): self.cursor}})
            self._insert(message)
            return
        self._insert(message)
        self.cursor = max(self.cursor, message["rev"])

    def _insert(self, message: dict) -> None:
        held = self.shown.get(message["seq"])
        if held is None or held["rev"] < message["rev"]:
            self.shown[message["seq"]] = message
            self.shows += 1


def assert_delivered_once(*, receivers, senders, sent: set[str], room_id: int) -> list:
    """What every fault test checks at the end: nothing lost, nothing twice.

    - the database holds exactly one row per client id, and every client id sent is there;
    - every receiver shows each committed message once, with the stored text, in seq order;
    - no frame the client received would have changed a shown message a second time.
    Returns the stored rows (seq, client_id, text) for the caller's figures.
    """
    from chat.models import Message

    rows = list(
        Message.objects.filter(room_id=room_id)
        .order_by("seq")
        .values_list("seq", "client_id", "text")
    )
    client_ids = [client_id for _seq, client_id, _text in rows]
    assert len(client_ids) == len(set(client_ids)), "a client id was stored twice"
    assert set(client_ids) == sent, f"lost: {sorted(sent - set(client_ids))}"
    assert [seq for seq, *_ in rows] == list(range(1, len(rows) + 1))
    for sender in senders:
        assert not sender.outbox, f"{sender.name} still holds {sorted(sender.outbox)}"
    expected = {seq: (client_id, text) for seq, client_id, text in rows}
    for receiver in receivers:
        page = {seq: (m["client_id"], m["text"]) for seq, m in sorted(receiver.shown.items())}
        assert page == expected, f"{receiver.name} shows something else than the database"
        # The page lists by seq; each message changed it exactly once (no edits here), and
        # every repeated frame (replay after live, or live after replay) is the same rev.
        assert receiver.shows == len(rows), (receiver.name, receiver.shows, len(rows))
        for frame in receiver.frames:
            held = receiver.shown[frame["seq"]]
            assert (frame["rev"], frame["text"]) == (held["rev"], held["text"]), frame
        assert not receiver.resyncs, f"{receiver.name} was told to reload: {receiver.resyncs}"
    return rows
