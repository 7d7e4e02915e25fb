/* The chat client: one socket per tab, replay by per-room cursor, resend by client id.
   Protocol: docs/chat-protocol.md. Plain JavaScript, no build step, no third parties. */
(function () {
  "use strict";

  var app = document.getElementById("chat-app");
  if (!app) return;

  var t = app.dataset;
  var wide = window.matchMedia("(min-width: 48rem)");

  // The app fills the viewport below the portal header on a desk; on a phone it fills the
  // whole screen and the conversation starts at its top.
  function fitToViewport() {
    if (wide.matches) {
      var top = app.getBoundingClientRect().top + window.scrollY;
      app.style.setProperty("--chat-offset", Math.round(top + 8) + "px");
    } else {
      app.style.setProperty("--chat-offset", "0px");
    }
  }
  fitToViewport();
  window.addEventListener("resize", fitToViewport);
  // Web fonts change the header's height once they are in: measure again.
  window.addEventListener("load", fitToViewport);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(fitToViewport);

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // The room list's filter: plain substring match, umlauts folded.
  var filter = app.querySelector("[data-chat-filter]");
  if (filter) {
    filter.addEventListener("input", function () {
      var query = fold(filter.value.trim());
      var any = false;
      app.querySelectorAll("[data-chat-section]").forEach(function (section) {
        var visible = 0;
        section.querySelectorAll("[data-chat-room-item]").forEach(function (item) {
          var match = !query || fold(item.textContent).indexOf(query) >= 0;
          item.hidden = !match;
          if (match) visible += 1;
        });
        section.hidden = visible === 0;
        if (visible) any = true;
      });
      var none = app.querySelector("[data-chat-nomatch]");
      if (none) none.hidden = any;
    });
  }

  // Menus (<details>): one open at a time; Escape or a click elsewhere closes them.
  function closeMenus(except) {
    app.querySelectorAll("details[open]").forEach(function (menu) {
      if (menu !== except && !menu.contains(except)) menu.open = false;
    });
  }
  document.addEventListener("click", function (event) {
    var menu = event.target.closest ? event.target.closest("details") : null;
    closeMenus(menu);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = app.querySelector("details[open]");
    if (open) {
      open.open = false;
      var summary = open.querySelector("summary");
      if (summary) summary.focus();
    }
  });

  var notices = app.querySelector("[data-chat-notices]");

  function showNotice(text) {
    var alert = document.createElement("div");
    alert.className = "kern-alert kern-alert--info";
    var header = document.createElement("div");
    header.className = "kern-alert__header";
    var title = document.createElement("span");
    title.className = "kern-title";
    title.textContent = text;
    header.appendChild(title);
    alert.appendChild(header);
    notices.appendChild(alert);
    window.setTimeout(function () { alert.remove(); }, 15000);
  }

  if (!t.room) return;
  var roomId = Number(t.room);
  var userId = Number(t.user);
  var mayModerate = t.mayModerate === "1";
  var cursor = Number(t.lastRev); // highest rev seen in this room, without gaps
  var list = app.querySelector("[data-chat-messages]");
  var scroller = app.querySelector("[data-chat-scroller]");
  var announcer = app.querySelector("[data-chat-announcer]");
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
  var detached = t.detached === "1"; // showing an older window (a permalink), not the end
  var readUpTo = Number(t.readUpTo || 0); // the person's own read cursor at page load (P3)
  var focusSeq = t.focus ? Number(t.focus) : null;
  var jump = app.querySelector("[data-chat-jump]");
  var deleteDialog = app.querySelector("[data-chat-delete-dialog]");
  var lang = document.documentElement.lang || "de";
  var zone = t.timeZone || undefined;

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

  function dayKey(date) {
    return date.toLocaleDateString("en-CA", { timeZone: zone }); // YYYY-MM-DD
  }

  function dayLabel(iso) {
    var date = new Date(iso);
    var key = dayKey(date);
    if (key === dayKey(new Date())) return t.tToday;
    if (key === dayKey(new Date(Date.now() - 86400000))) return t.tYesterday;
    return date.toLocaleDateString(lang, {
      weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: zone
    });
  }

  function permalink(seq) {
    return window.location.origin + t.permalink.replace(/0\/$/, seq + "/");
  }

  function initials(name) {
    var words = name.split(/\s+/).filter(function (w) { return /^\p{L}/u.test(w); });
    if (!words.length) return "?";
    return (words[0][0] + (words.length > 1 ? words[words.length - 1][0] : "")).toUpperCase();
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

  function tool(label, handler) {
    var b = el("button", "chat-tool", label);
    b.type = "button";
    b.addEventListener("click", function () {
      var menu = b.closest("details");
      if (menu) menu.open = false;
      handler();
    });
    return b;
  }

  function confirmDelete(m) {
    if (!deleteDialog || !deleteDialog.showModal) {
      if (window.confirm(t.tDelete + "?")) frame({ type: "delete", room: roomId, seq: m.seq });
      return;
    }
    deleteDialog.returnValue = "";
    deleteDialog.onclose = function () {
      if (deleteDialog.returnValue === "delete") frame({ type: "delete", room: roomId, seq: m.seq });
      var item = findItem(m.seq);
      var summary = item && item.querySelector(".chat-message__tools summary");
      if (summary) summary.focus();
    };
    deleteDialog.showModal();
  }

  function copyLink(m) {
    var url = permalink(m.seq);
    var done = function () { announce(t.tLinkCopied); showNotice(t.tLinkCopied); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(done, function () { window.prompt(t.tCopyLink, url); });
    } else {
      window.prompt(t.tCopyLink, url);
    }
  }

  function addTools(item, m) {
    var old = item.querySelector(".chat-message__tools");
    if (old) old.remove();
    if (m.deleted) return;
    var own = m.author && m.author.id === userId;
    var menu = el("details", "chat-menu chat-message__tools");
    var summary = el("summary", "kern-btn kern-btn--secondary kern-btn--x-small");
    summary.setAttribute("aria-label", t.tActions);
    summary.setAttribute("data-testid", "chat-message-actions");
    var icon = el("span", "kern-icon kern-icon--more-vert");
    icon.setAttribute("aria-hidden", "true");
    summary.appendChild(icon);
    menu.appendChild(summary);
    var panel = el("div", "chat-menu__panel");
    if (own) panel.appendChild(tool(t.tEdit, function () { startEdit(item, m); }));
    if (own || mayModerate) panel.appendChild(tool(t.tDelete, function () { confirmDelete(m); }));
    panel.appendChild(tool(t.tCopyLink, function () { copyLink(m); }));
    menu.appendChild(panel);
    item.appendChild(menu);
  }

  function buildItem(m) {
    var item = el("li", "chat-message");
    item.setAttribute("data-testid", "chat-message");
    item.id = "nachricht-" + m.seq;
    item.dataset.created = m.created;
    var avatar = el("span", "chat-avatar chat-message__avatar", initials(m.author.name));
    avatar.setAttribute("aria-hidden", "true");
    item.appendChild(avatar);
    var main = el("div", "chat-message__main");
    var meta = el("div", "chat-message__meta");
    var author;
    if (m.author.url) {
      author = el("a", "kern-link chat-message__author", m.author.name);
      author.href = m.author.url;
    } else {
      author = el("span", "chat-message__author", m.author.name);
    }
    meta.appendChild(author);
    var link = el("a", "chat-message__time");
    link.href = permalink(m.seq);
    var time = el("time", "", timeLabel(m.created));
    time.dateTime = m.created;
    link.appendChild(time);
    meta.appendChild(link);
    main.appendChild(meta);
    main.appendChild(el("div", "chat-message__body"));
    item.appendChild(main);
    return item;
  }

  // Day separators, the "Neue Nachrichten" line and grouping by sender, recomputed from
  // the list itself after every change, so live, replayed and older pages agree.
  function decorate() {
    Array.prototype.slice.call(list.querySelectorAll(".chat-day, .chat-new-line")).forEach(function (n) {
      n.remove();
    });
    var previous = null;
    var lineDone = false;
    Array.prototype.slice.call(list.children).forEach(function (item) {
      if (!item.dataset.seq || !item.dataset.created) return;
      var created = new Date(item.dataset.created);
      var day = dayKey(created);
      var newDay = !previous || previous.day !== day;
      if (newDay) {
        var sep = el("li", "chat-day");
        sep.appendChild(el("span", "", dayLabel(item.dataset.created)));
        list.insertBefore(sep, item);
      }
      var seq = Number(item.dataset.seq);
      var newLine = false;
      if (!lineDone && readUpTo && seq > readUpTo && item.dataset.author !== String(userId)) {
        var line = el("li", "chat-new-line");
        line.setAttribute("data-testid", "chat-new-line");
        line.appendChild(el("span", "", t.tNewLine));
        list.insertBefore(line, item);
        lineDone = true;
        newLine = true;
      }
      if (!lineDone && seq > readUpTo) lineDone = true; // own messages after the cursor
      var continued = !newDay && !newLine && previous && item.dataset.author &&
        previous.author === item.dataset.author && created - previous.created < 5 * 60000 &&
        !item.classList.contains("chat-message--deleted");
      item.classList.toggle("chat-message--continued", !!continued);
      previous = { day: day, author: item.dataset.author, created: created };
    });
  }

  function updateItem(item, m) {
    item.dataset.seq = m.seq;
    item.dataset.rev = m.rev;
    item.dataset.author = m.author.id === null ? "" : m.author.id;
    item._message = m;
    item.dataset.created = m.created;
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
    Array.prototype.some.call(list.querySelectorAll("[data-seq]"), function (child) {
      if (Number(child.dataset.seq) > m.seq) { next = child; return true; }
      return false;
    });
    list.insertBefore(item, next);
    var pending = list.querySelector('[data-client-id="' + m.client_id + '"]');
    if (pending) pending.remove();
    if (isLive) {
      decorate();
      if (stick || (m.author && m.author.id === userId)) {
        scroller.scrollTop = scroller.scrollHeight;
      } else {
        jump.hidden = false;
      }
      if (!(m.author && m.author.id === userId) && !m.deleted) {
        announce(t.tNewMessage + " " + m.author.name + ": " + item.querySelector(".chat-message__body").textContent);
      }
    }
  }

  function onMessage(m) {
    if (m.room !== roomId) {
      if (!(m.author && m.author.id === userId) && m.rev === m.seq) {
        bumpUnread(m.room, 1);
        // A direct message for a conversation not on screen: a notice, not in the pane.
        var link = document.querySelector('[data-room-link="' + m.room + '"]');
        var item = link && link.closest("[data-chat-room-item]");
        if (item && item.dataset.kind === "direct") showNotice(t.tNewMessage + " " + m.author.name);
      }
      return;
    }
    if (detached) {
      // An older window is on screen: update what is shown, offer the way to the newest.
      var shown = findItem(m.seq);
      if (shown) {
        if (Number(shown.dataset.rev) < m.rev) updateItem(shown, m);
      } else {
        jump.hidden = false;
      }
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
    if (document.visibilityState !== "visible" || detached) return;
    var items = list.querySelectorAll("[data-seq]");
    var last = items[items.length - 1];
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
    var editor = el("div", "chat-message__editor");
    editor.appendChild(label);
    editor.appendChild(area);
    var actions = el("div", "chat-message__editor-actions");
    actions.appendChild(button(t.tSave, function () {
      var text = area.value.trim();
      if (text) frame({ type: "edit", room: roomId, seq: m.seq, text: text });
      updateItem(item, item._message);
    }));
    actions.appendChild(button(t.tCancel, function () { updateItem(item, item._message); }));
    editor.appendChild(actions);
    body.appendChild(editor);
    area.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.stopPropagation(); updateItem(item, item._message); }
    });
    area.focus();
  }

  function sendText(text) {
    var clientId = newClientId();
    outbox[clientId] = text;
    var pending = el("li", "chat-message chat-message--pending");
    pending.dataset.clientId = clientId;
    var avatar = el("span", "chat-avatar chat-message__avatar");
    avatar.setAttribute("aria-hidden", "true");
    pending.appendChild(avatar);
    var main = el("div", "chat-message__main");
    main.appendChild(el("div", "chat-message__meta", t.tSending));
    var body = el("div", "chat-message__body");
    body.appendChild(el("p", "", text));
    main.appendChild(body);
    pending.appendChild(main);
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
          if (Number(room) === roomId && f.rooms[room].last_seq > cursor && !detached) {
            cursor = f.rooms[room].last_seq;
          }
        });
        markRead();
        break;
      case "resync":
        if (f.room === roomId && !detached) window.location.reload();
        break;
      case "history":
        loadingOlder = false;
        var before = scroller.scrollHeight;
        f.messages.forEach(function (m) { insertMessage(m, false); });
        decorate();
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
        // The room on screen shows the mention itself.
        if (f.room === roomId && document.visibilityState === "visible") break;
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
  scroller.addEventListener("scroll", function () {
    if (scroller.scrollTop < 40) loadOlder();
    if (!detached && nearBottom()) jump.hidden = true;
  });
  jump.addEventListener("click", function (event) {
    if (detached) return; // the link opens the room at its newest message
    event.preventDefault();
    scroller.scrollTop = scroller.scrollHeight;
    jump.hidden = true;
    if (textarea) textarea.focus();
  });
  // Long-press opens a message's actions on touch screens.
  var pressTimer = null;
  list.addEventListener("touchstart", function (event) {
    var item = event.target.closest(".chat-message");
    if (!item) return;
    pressTimer = window.setTimeout(function () {
      var menu = item.querySelector(".chat-message__tools");
      if (menu) { menu.open = true; closeMenus(menu); }
    }, 500);
  }, { passive: true });
  ["touchend", "touchmove", "touchcancel"].forEach(function (name) {
    list.addEventListener(name, function () { window.clearTimeout(pressTimer); }, { passive: true });
  });
  if (textarea) {
    textarea.addEventListener("input", function () {
      textarea.style.height = "auto";
      textarea.style.height = textarea.scrollHeight + "px";
    });
  }
  document.addEventListener("visibilitychange", markRead);
  decorate();
  var target = focusSeq !== null ? findItem(focusSeq) : null;
  if (target) {
    target.classList.add("chat-message--focus");
    target.scrollIntoView({ block: "center" });
  } else {
    scroller.scrollTop = scroller.scrollHeight;
  }
  connect();
})();
