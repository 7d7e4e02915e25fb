/* The chat client: one socket per tab, replay by per-room cursor, resend by client id.
   Protocol: docs/chat-protocol.md. Plain JavaScript, no build step, no third parties. */
(function () {
  "use strict";

  var app = document.getElementById("chat-app");
  if (!app || !app.dataset.room) return;

  var t = app.dataset;
  var roomId = Number(t.room);
  var userId = Number(t.user);
  var mayModerate = t.mayModerate === "1";
  var cursor = Number(t.lastRev); // highest rev seen in this room, without gaps
  var list = app.querySelector("[data-chat-messages]");
  var scroller = app.querySelector("[data-chat-scroller]");
  var announcer = app.querySelector("[data-chat-announcer]");
  var notices = app.querySelector("[data-chat-notices]");
  var statusLine = app.querySelector("[data-chat-status]");
  var typingLine = app.querySelector("[data-chat-typing]");
  var composer = app.querySelector("[data-chat-composer]");
  var textarea = composer ? composer.querySelector("textarea") : null;
  var olderButton = app.querySelector("[data-chat-older]");
  var historyComplete = t.historyComplete === "1";
  var loadingOlder = false;

  var socket = null;
  var retries = 0;
  var pingTimer = null;
  var pongTimer = null;
  var outbox = {}; // client_id -> text, until acknowledged
  var resendTimer = null;
  var resendRetries = 0;
  var resyncPending = false;
  // Refused for now, not for good: the message stays in the outbox and is sent again.
  var RETRY_CODES = { rate_limited: true, unavailable: true };
  var lastTyping = 0;
  var typingClear = null;
  var partner = t.partner ? Number(t.partner) : null;
  var presenceLine = app.querySelector("[data-chat-presence]");
  var headingName = app.querySelector("#chat-room-heading");

  function frame(data) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(data));
      return true;
    }
    return false;
  }

  function newClientId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function timeLabel(iso) {
    var date = new Date(iso);
    // The portal's time zone, not the browser's: server-rendered history shows the same.
    return date.toLocaleTimeString(document.documentElement.lang || "de", {
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: t.timeZone || undefined
    });
  }

  function renderBody(body, m) {
    body.textContent = "";
    if (m.deleted) {
      body.appendChild(el("p", "kern-body--muted", t.tDeleted));
    } else {
      // The server rendered and sanitised this HTML (chat/rendering.py, nh3).
      body.innerHTML = m.html;
    }
  }

  function button(label, handler) {
    var b = el("button", "kern-btn kern-btn--tertiary kern-btn--x-small");
    b.type = "button";
    b.appendChild(el("span", "kern-label", label));
    b.addEventListener("click", handler);
    return b;
  }

  function addTools(item, m) {
    var old = item.querySelector(".chat-message__tools");
    if (old) old.remove();
    if (m.deleted) return;
    var own = m.author && m.author.id === userId;
    if (!own && !mayModerate) return;
    var tools = el("div", "chat-message__tools");
    if (own) tools.appendChild(button(t.tEdit, function () { startEdit(item, m); }));
    tools.appendChild(button(t.tDelete, function () {
      if (window.confirm(t.tConfirmDelete)) frame({ type: "delete", room: roomId, seq: m.seq });
    }));
    item.appendChild(tools);
  }

  function buildItem(m) {
    var item = el("li", "chat-message");
    item.dataset.testid = "chat-message";
    item.setAttribute("data-testid", "chat-message");
    var meta = el("div", "chat-message__meta");
    var author;
    if (m.author.url) {
      author = el("a", "kern-link chat-message__author", m.author.name);
      author.href = m.author.url;
    } else {
      author = el("span", "chat-message__author", m.author.name);
    }
    meta.appendChild(author);
    var time = el("time", "chat-message__time", timeLabel(m.created));
    time.dateTime = m.created;
    meta.appendChild(time);
    item.appendChild(meta);
    item.appendChild(el("div", "chat-message__body"));
    return item;
  }

  function updateItem(item, m) {
    item.dataset.seq = m.seq;
    item.dataset.rev = m.rev;
    item.dataset.author = m.author.id === null ? "" : m.author.id;
    item._message = m;
    item.classList.toggle("chat-message--deleted", m.deleted);
    var meta = item.querySelector(".chat-message__meta");
    var edited = meta.querySelector(".chat-message__edited");
    if (m.edited && !edited) meta.appendChild(el("span", "chat-message__edited", "(" + t.tEdited + ")"));
    renderBody(item.querySelector(".chat-message__body"), m);
    addTools(item, m);
  }

  function findItem(seq) {
    return list.querySelector('[data-seq="' + seq + '"]');
  }

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  }

  function insertMessage(m, isLive) {
    var item = findItem(m.seq);
    if (item) {
      if (Number(item.dataset.rev) < m.rev) updateItem(item, m);
      return;
    }
    var stick = nearBottom();
    item = buildItem(m);
    updateItem(item, m);
    // Keep seq order even if frames arrive out of order.
    var next = null;
    Array.prototype.some.call(list.children, function (child) {
      if (Number(child.dataset.seq) > m.seq) { next = child; return true; }
      return false;
    });
    list.insertBefore(item, next);
    var pending = list.querySelector('[data-client-id="' + m.client_id + '"]');
    if (pending) pending.remove();
    if (isLive) {
      if (stick || (m.author && m.author.id === userId)) scroller.scrollTop = scroller.scrollHeight;
      if (!(m.author && m.author.id === userId) && !m.deleted) {
        announce(t.tNewMessage + " " + m.author.name + ": " + item.querySelector(".chat-message__body").textContent);
      }
    }
  }

  function onMessage(m) {
    if (m.room !== roomId) {
      if (!(m.author && m.author.id === userId) && m.rev === m.seq) bumpUnread(m.room, 1);
      return;
    }
    if (m.rev > cursor + 1) {
      // A frame went missing (the layer only signals): ask for the gap from the database.
      frame({ type: "sync", rooms: keyed(roomId, cursor) });
      insertMessage(m, true);
      return;
    }
    insertMessage(m, true);
    if (m.rev > cursor) cursor = m.rev;
    markRead();
  }

  function keyed(room, value) {
    var rooms = {};
    rooms[String(room)] = value;
    return rooms;
  }

  function markRead() {
    if (document.visibilityState !== "visible") return;
    var last = list.lastElementChild;
    if (last && last.dataset.seq) frame({ type: "read", room: roomId, seq: Number(last.dataset.seq) });
  }

  function setUnread(room, count) {
    var badge = document.querySelector('[data-unread="' + room + '"]');
    if (!badge) return;
    badge.querySelector("[data-unread-count]").textContent = String(count);
    badge.hidden = count < 1;
  }

  function bumpUnread(room, delta) {
    var badge = document.querySelector('[data-unread="' + room + '"]');
    if (!badge) return;
    var count = Number(badge.querySelector("[data-unread-count]").textContent) + delta;
    setUnread(room, count);
  }

  function startEdit(item, m) {
    var body = item.querySelector(".chat-message__body");
    body.textContent = "";
    var label = el("label", "kern-label kern-sr-only", t.tMessageEdit);
    var id = "chat-edit-" + m.seq;
    label.htmlFor = id;
    var area = el("textarea", "kern-form-input__input chat__text");
    area.id = id;
    area.value = m.text;
    area.maxLength = 4000;
    body.appendChild(label);
    body.appendChild(area);
    body.appendChild(button(t.tSave, function () {
      var text = area.value.trim();
      if (text) frame({ type: "edit", room: roomId, seq: m.seq, text: text });
      updateItem(item, item._message);
    }));
    body.appendChild(button(t.tCancel, function () { updateItem(item, item._message); }));
    area.focus();
  }

  function showNotice(text) {
    var alert = el("div", "kern-alert kern-alert--info");
    var header = el("div", "kern-alert__header");
    header.appendChild(el("span", "kern-title", text));
    alert.appendChild(header);
    notices.appendChild(alert);
    window.setTimeout(function () { alert.remove(); }, 15000);
  }

  function sendText(text) {
    var clientId = newClientId();
    outbox[clientId] = text;
    var pending = el("li", "chat-message chat-message--pending");
    pending.dataset.clientId = clientId;
    pending.appendChild(el("div", "chat-message__meta", t.tSending));
    var body = el("div", "chat-message__body");
    body.appendChild(el("p", "", text));
    pending.appendChild(body);
    list.appendChild(pending);
    scroller.scrollTop = scroller.scrollHeight;
    frame({ type: "send", room: roomId, client_id: clientId, text: text });
  }

  function flushOutbox() {
    if (resyncPending) {
      // A new socket, or a sync or history request refused during an outage: catch up.
      resyncPending = false;
      frame({ type: "sync", rooms: keyed(roomId, cursor) });
    }
    Object.keys(outbox).forEach(function (clientId) {
      frame({ type: "send", room: roomId, client_id: clientId, text: outbox[clientId] });
    });
  }

  function scheduleResend() {
    // 2, 4, 8 … 30 s with jitter; a reconnect flushes the outbox at once anyway.
    if (resendTimer) return false;
    var delay = Math.min(30000, 2000 * Math.pow(2, resendRetries)) * (0.5 + Math.random() / 2);
    resendRetries += 1;
    resendTimer = window.setTimeout(function () {
      resendTimer = null;
      flushOutbox();
    }, delay);
    return true;
  }

  function onError(f) {
    if (f.ref && outbox[f.ref] !== undefined) {
      var pending = list.querySelector('[data-client-id="' + f.ref + '"]');
      if (RETRY_CODES[f.code]) {
        if (pending) pending.querySelector(".chat-message__meta").textContent = f.message;
        // One notice per pause, not one per waiting message.
        if (scheduleResend()) showNotice(f.message);
        return;
      }
      delete outbox[f.ref];
      if (pending) {
        pending.classList.add("chat-message--failed");
        pending.querySelector(".chat-message__meta").textContent = f.message;
      }
    } else if (f.code === "unavailable" && !f.ref) {
      // A refused sync or history request: sync again after the pause, and let the
      // "older messages" button work again.
      loadingOlder = false;
      resyncPending = true;
      scheduleResend();
    }
    showNotice(f.message);
  }

  function handle(f) {
    switch (f.type) {
      case "pong":
        window.clearTimeout(pongTimer);
        break;
      case "hello":
        resyncPending = true; // a new socket always syncs first, then resends
        flushOutbox();
        if (partner) frame({ type: "presence.query", users: [partner] });
        break;
      case "message":
        onMessage(f);
        break;
      case "ack":
        delete outbox[f.client_id];
        resendRetries = 0;
        break;
      case "synced":
        Object.keys(f.rooms).forEach(function (room) {
          setUnread(room, Number(room) === roomId ? 0 : f.rooms[room].unread);
          if (Number(room) === roomId && f.rooms[room].last_seq > cursor) cursor = f.rooms[room].last_seq;
        });
        markRead();
        break;
      case "resync":
        if (f.room === roomId) window.location.reload();
        break;
      case "history":
        loadingOlder = false;
        var before = scroller.scrollHeight;
        f.messages.forEach(function (m) { insertMessage(m, false); });
        scroller.scrollTop += scroller.scrollHeight - before;
        if (f.complete) {
          historyComplete = true;
          if (olderButton) olderButton.remove();
        }
        break;
      case "unread":
        setUnread(f.room, f.room === roomId ? 0 : f.unread);
        break;
      case "mention":
        showNotice(t.tMention + " " + f.by + " " + t.tIn + " „" + f.room_name + "“");
        break;
      case "typing":
        if (f.room !== roomId) break;
        typingLine.textContent = f.name + " " + t.tTyping;
        window.clearTimeout(typingClear);
        typingClear = window.setTimeout(function () { typingLine.textContent = ""; }, 5000);
        break;
      case "presence":
        // Only people who opted in ever appear here (P2); nothing is kept.
        if (presenceLine) {
          presenceLine.textContent = f.online.indexOf(partner) >= 0
            ? headingName.textContent.trim() + " " + t.tPresent : "";
        }
        break;
      case "room.left":
        if (f.room === roomId) {
          if (composer) composer.hidden = true;
          showNotice(t.tLostAccess);
        }
        break;
      case "error":
        onError(f);
        break;
      default:
        break;
    }
  }

  function heartbeat() {
    window.clearInterval(pingTimer);
    pingTimer = window.setInterval(function () {
      if (partner) frame({ type: "presence.query", users: [partner] });
      if (frame({ type: "ping" })) {
        // No pong in time: the connection is half-open; drop it and reconnect.
        pongTimer = window.setTimeout(function () { if (socket) socket.close(); }, 10000);
      }
    }, 25000);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + t.wsPath);
    socket.addEventListener("open", function () {
      retries = 0;
      statusLine.textContent = "";
      heartbeat();
    });
    socket.addEventListener("message", function (event) {
      try { handle(JSON.parse(event.data)); } catch (e) { /* a broken frame must not stop the client */ }
    });
    socket.addEventListener("close", function (event) {
      window.clearInterval(pingTimer);
      window.clearTimeout(pongTimer);
      socket = null;
      if (event.code === 4003) return; // the session ended: no reconnect
      statusLine.textContent = t.tOffline;
      // Back off 1, 2, 4 … 30 seconds, with jitter, so a restart is not a stampede.
      var delay = Math.min(30000, 1000 * Math.pow(2, retries)) * (0.5 + Math.random() / 2);
      retries += 1;
      window.setTimeout(connect, delay);
    });
  }

  function loadOlder() {
    if (historyComplete || loadingOlder) return;
    var first = list.querySelector("[data-seq]");
    if (!first) return;
    loadingOlder = frame({ type: "history", room: roomId, before: Number(first.dataset.seq), limit: 50 });
  }

  // The page came with its newest messages; the same data as JSON gives the tools their text.
  var initial = document.getElementById("chat-history-data");
  if (initial) {
    JSON.parse(initial.textContent).forEach(function (m) {
      var item = findItem(m.seq);
      if (item) updateItem(item, m);
    });
  }

  if (composer) {
    composer.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = textarea.value.trim();
      if (!text) return;
      textarea.value = "";
      sendText(text);
    });
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        composer.requestSubmit();
      }
    });
    textarea.addEventListener("input", function () {
      if (t.shareTyping !== "1") return;
      var now = Date.now();
      if (now - lastTyping > 3000) {
        lastTyping = now;
        frame({ type: "typing", room: roomId });
      }
    });
  }
  if (olderButton) olderButton.addEventListener("click", loadOlder);
  scroller.addEventListener("scroll", function () { if (scroller.scrollTop < 40) loadOlder(); });
  document.addEventListener("visibilitychange", markRead);
  scroller.scrollTop = scroller.scrollHeight;
  connect();
})();
