// The chat page: one chat.Chat/BidStream call on a protocol v2 session (/session, docs/protocol.md,
// "Protocol v2: sessions"), made and kept open by the browser client library (clients/js, served at
// /lib/). The session outlives a dropped connection: the library resumes it with backoff and nothing
// is lost or doubled, so the conversation goes on. keepOpen opens the call again when it ends
// UNAVAILABLE (chat-service down) or its session is lost (the gateway restarting). This page shows the
// conversation and the connection's state.

import { keepOpen } from "./lib/grpc-ws-bridge.js";
import { SessionState, openSession, retryableOnSession } from "./lib/grpc-ws-session.js";

const METHOD = "chat.Chat/BidStream";
const COMMAND_STREAM = "返回数据流";
const COMMAND_END = "结束对话";
// A larger frame would close the session 1009 (gateway.socket.max-frame-bytes): it is not sent.
const MAX_FRAME_BYTES = 64 * 1024;
const MAX_LINES = 1000;
// Where this tab keeps a bearer token for gateways that require one (docs/operations.md#authentication).
const TOKEN_KEY = "chat.accessToken";

const TEXT = {
  en: {
    title: "Chat",
    subtitle: "A live gRPC stream through the WebSocket gateway",
    clientId: (id) => `Client id ${id}`,
    clientIdHint: "The gateway writes this id on its log lines for this page's connections",
    logTitle: "Conversation",
    empty: "Nothing yet. Say hello.",
    inputLabel: "Message",
    placeholder: "Type a message, press Enter",
    send: "Send",
    actionsTitle: "Commands",
    stream: "Stream data",
    streamHint: `Sends ${COMMAND_STREAM}: ten outputs in a row`,
    endChat: "End chat",
    endChatHint: `Sends ${COMMAND_END}: the service says goodbye and closes`,
    endInput: "End input",
    endInputHint: "Sends no more input; outputs still due keep arriving",
    reconnect: "Reconnect",
    you: "You: ",
    service: "Service: ",
    error: "Error: ",
    connecting: "Connecting",
    connected: "Connected",
    closed: "Closed",
    reconnecting: "Reconnecting",
    resumed: "Resumed",
    inputEnded: "input ended",
    retryIn: (seconds) => `next try in ${seconds} s`,
    eventConnected: "Connected",
    eventResuming: (code) => `Connection lost ${code} · resuming the conversation`,
    eventResumed: "Resumed · nothing lost",
    eventEnded: (why) => `Ended · ${why}`,
    eventLost: (code, why) => `Session lost ${code} · ${why}`,
    // How a call ended, by its status, on a session that goes on; the message is in the tooltip.
    statusReasons: {
      OK: "chat ended",
      UNAVAILABLE: "chat service unavailable",
      RESOURCE_EXHAUSTED: "over a gateway limit",
      CANCELLED: "cancelled",
    },
    callFailed: "chat service failed",
    // Why the gateway ended the session, by its close code (docs/protocol.md#close-codes); the
    // gateway's own (English) reason is in the tooltip.
    closeReasons: {
      1001: "gateway restarting",
      1006: "connection lost or refused",
      1008: "over a gateway limit",
      1009: "message too large",
      1011: "gateway error",
      4404: "conversation expired",
    },
    authenticationExpired: "sign-in expired",
    unknownClose: "closed unexpectedly",
    eventInputEnded: "Input ended: waiting for the last outputs",
    tooLong: `Not sent: a message is at most ${MAX_FRAME_BYTES / 1024} KiB`,
    note: (shown, total) => `Showing the last ${shown} of ${total} lines`,
  },
  zh: {
    title: "对话",
    subtitle: "经 WebSocket 网关的实时 gRPC 数据流",
    clientId: (id) => `客户端 ID ${id}`,
    clientIdHint: "网关在此页面各连接的日志中记录此 ID",
    logTitle: "对话记录",
    empty: "还没有消息，打个招呼吧。",
    inputLabel: "消息",
    placeholder: "输入消息，按 Enter 发送",
    send: "发送",
    actionsTitle: "指令",
    stream: COMMAND_STREAM,
    streamHint: "连续返回十条输出",
    endChat: COMMAND_END,
    endChatHint: "服务端回复后关闭对话",
    endInput: "结束输入",
    endInputHint: "不再发送输入；尚未返回的输出仍会到达",
    reconnect: "重新连接",
    you: "我：",
    service: "服务：",
    error: "错误：",
    connecting: "连接中",
    connected: "已连接",
    closed: "已关闭",
    reconnecting: "重新连接中",
    resumed: "已恢复",
    inputEnded: "输入已结束",
    retryIn: (seconds) => `${seconds} 秒后重试`,
    eventConnected: "已连接",
    eventResuming: (code) => `连接中断 ${code} · 正在恢复对话`,
    eventResumed: "已恢复 · 没有丢失消息",
    eventEnded: (why) => `已结束 · ${why}`,
    eventLost: (code, why) => `会话已断开 ${code} · ${why}`,
    statusReasons: {
      OK: "对话已结束",
      UNAVAILABLE: "聊天服务暂不可用",
      RESOURCE_EXHAUSTED: "超出网关限制",
      CANCELLED: "已取消",
    },
    callFailed: "聊天服务出错",
    closeReasons: {
      1001: "网关正在重启",
      1006: "连接中断或被拒绝",
      1008: "超出网关限制",
      1009: "消息过大",
      1011: "网关出错",
      4404: "对话已过期",
    },
    authenticationExpired: "登录已过期",
    unknownClose: "连接意外关闭",
    eventInputEnded: "输入已结束：等待剩余输出",
    tooLong: `未发送：消息最多 ${MAX_FRAME_BYTES / 1024} KiB`,
    note: (shown, total) => `仅显示最近 ${shown} 行（共 ${total} 行）`,
  },
};

const language = navigator.language.toLowerCase().startsWith("zh") ? "zh" : "en";
const t = TEXT[language];
const numbers = new Intl.NumberFormat(language);
// This page load's name in the gateway's logs: 8 random hex digits, sent with every socket it opens
// (docs/protocol.md#opening-a-socket) and shown, so a user's report can be found in the logs.
const clientId = Array.from(crypto.getRandomValues(new Uint8Array(4)), (byte) => byte.toString(16).padStart(2, "0")).join("");

const $ = (id) => document.getElementById(id);
const ui = {
  state: $("state"),
  detail: $("state-detail"),
  log: $("log"),
  note: $("log-note"),
  composer: $("composer"),
  input: $("input"),
  send: $("send"),
  stream: $("cmd-stream"),
  endChat: $("cmd-end"),
  endInput: $("end-input"),
  reconnect: $("reconnect"),
};

let session = null; // the page's session while it can carry a call (not LOST, not CLOSED)
let conversation = null; // keepOpen's, until it ends
let generation = 0; // a conversation's callbacks count only while it is the page's
let call = null; // the conversation's call while it opens or is open
let open = false; // that call is open: it takes input
let inputEnded = false;
let lastError = "";
let countdown = 0;

function translatePage() {
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  document.title = t.title;
  for (const element of document.querySelectorAll("[data-i18n]")) {
    element.textContent = t[element.dataset.i18n];
  }
  ui.input.placeholder = t.placeholder;
  ui.log.dataset.empty = t.empty;
  ui.stream.title = t.streamHint;
  ui.endChat.title = t.endChatHint;
  ui.endInput.title = t.endInputHint;
  $("client-id").textContent = t.clientId(clientId);
  $("client-id").title = t.clientIdHint;
}

// ---- connection

// A token arrives in the URL fragment (#access_token=…), as an identity provider's redirect hands it
// over; it is kept for this tab only and taken out of the address bar. The library offers it at
// every handshake (as subprotocols: a browser cannot set the Authorization header).
function takeTokenFromFragment() {
  const token = new URLSearchParams(location.hash.slice(1)).get("access_token");
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, "", location.pathname + location.search);
  }
}

/** The page's session, opened anew when there is none or it was lost. */
function currentSession() {
  if (session === null) {
    const opened = openSession({
      client: clientId,
      token: sessionStorage.getItem(TOKEN_KEY) ?? undefined,
      onStateChange: (state, detail) => opened === session && sessionChanged(state, detail),
      onError: (error, erred) => opened === session && erred === call && showError(error),
    });
    session = opened;
  }
  return session;
}

/**
 * The session's own news while it carries the call: a dropped connection it is resuming, and the
 * resume. Its loss reaches the page as the status of the call, through keepOpen; while keepOpen
 * waits to open the next call, its countdown is what the page shows.
 */
function sessionChanged(state, detail) {
  if (state === SessionState.LOST || state === SessionState.CLOSED) {
    session = null;
    return;
  }
  if (call === null) {
    return;
  }
  if (state === SessionState.RECONNECTING) {
    if (detail.attempt === 1) {
      addLine("event", t.eventResuming(detail.closeCode));
    }
    showRetry(detail.closeCode, detail.delayMs);
  } else if (state === SessionState.OPEN && detail === "resumed") {
    showState(open ? "resumed" : "connecting");
    addLine("event", t.eventResumed);
  }
}

/** A new conversation: keepOpen opens its call again after UNAVAILABLE or a session lost by a close worth retrying, with backoff. */
function connect() {
  const mine = ++generation;
  const ours = (handler) => (...args) => mine === generation && handler(...args);
  conversation = keepOpen(() => currentSession().openCall(METHOD), {
    retryable: retryableOnSession,
    onCall: ours(follow),
    onRetry: ours((status, delayMs) => {
      ended(status);
      showRetry(sessionLost(status) ? status.closeCode : status.code, delayMs);
    }),
    onEnd: ours((status) => {
      conversation = null;
      ended(status);
      session?.close(); // an idle session would hold a socket for nothing
      const why = endText(status);
      showState("closed", sessionLost(status) ? `${status.closeCode} · ${why}` : why, status.closeReason || status.message);
    }),
  });
  updateControls();
}

/** Reconnects now: a new conversation, unless a call is opening or open. */
function reconnect() {
  if (call === null) {
    const waiting = conversation;
    connect();
    waiting?.stop(); // its end is no longer the page's
  }
}

function follow(newCall) {
  call = newCall;
  open = false;
  inputEnded = false;
  lastError = "";
  showState("connecting");
  // "connected" once the gateway has started the gRPC call: a refused call never opens.
  newCall.opened.then(
    () => {
      if (call === newCall) {
        open = true;
        showState("connected");
        addLine("event", t.eventConnected);
      }
    },
    () => {}, // refused: its status says so
  );
  (async () => {
    for await (const response of newCall) {
      addLine("output", response.output);
    }
  })().catch(() => {}); // a status other than OK: shown by ended()
}

/** A call's status carries the session's close code when the session was lost; 1000 when the call itself ended. */
const sessionLost = (status) => status.closeCode !== 1000;

/**
 * The call is over: a status of its own other than OK shows as an error; a lost session says why,
 * with the gateway's reason in the tooltip.
 */
function ended(status) {
  const { code, message, closeCode, closeReason } = status;
  const lost = sessionLost(status);
  if (open && !lost && code !== "OK" && code !== "CANCELLED") {
    showError({ code, message });
  }
  call = null;
  open = false;
  const why = endText(status);
  if (lost) {
    addLine("event", t.eventLost(closeCode, why), closeReason);
  } else {
    addLine("event", t.eventEnded(why), message !== lastError ? message : "");
  }
}

/** Why the call ended, in the page's language: by the session's close code when it was lost, else by the call's status. */
function endText(status) {
  const { code, closeCode, closeReason } = status;
  if (!sessionLost(status)) {
    return t.statusReasons[code] ?? t.callFailed;
  }
  if (closeCode === 1008 && closeReason === "Authentication expired") {
    return t.authenticationExpired;
  }
  return t.closeReasons[closeCode] ?? t.unknownClose;
}

/** The badge says "reconnecting", the detail what ended (a close code or a status) and counts down to the next try. */
function showRetry(what, delayMs) {
  const retryAt = Date.now() + delayMs;
  const showCountdown = () => {
    const seconds = Math.max(1, Math.ceil((retryAt - Date.now()) / 1000));
    showDetail(`${what} · ${t.retryIn(seconds)}`);
  };
  showState("reconnecting");
  showCountdown();
  countdown = setInterval(showCountdown, 1000);
}

/**
 * The badge is a live region: it changes only with the state, so each state is announced once.
 */
function showState(state, detail = "", hint = "") {
  clearInterval(countdown);
  ui.state.dataset.state = state;
  ui.state.textContent = t[state];
  showDetail(detail, hint);
  updateControls();
}

function showDetail(detail, hint = "") {
  ui.detail.textContent = detail;
  ui.detail.title = hint ? `${detail} (${hint})` : detail;
}

function showError({ code, message }) {
  lastError = message;
  addLine("error", `${code}: ${message}`);
}

// The text field wants the focus at load (autofocus, lost as it waits for the socket) and after it
// lost the focus by being disabled: it gets it when it can be used again, unless the user went elsewhere.
let inputWantsFocus = true;

const canSend = () => open && !inputEnded;

/** Input is possible only on an open call that has not ended its input: the text field with the buttons. */
function updateControls() {
  const focused = document.activeElement;
  for (const control of [ui.input, ui.send, ui.stream, ui.endChat, ui.endInput]) {
    control.disabled = !canSend();
  }
  ui.reconnect.disabled = call !== null;
  // A disabled control drops the focus to <body>: keep it where the keyboard user can go on.
  if (focused?.disabled) {
    inputWantsFocus ||= focused === ui.input;
    (ui.reconnect.disabled ? ui.log : ui.reconnect).focus();
  }
  if (canSend() && inputWantsFocus) {
    inputWantsFocus = false;
    if ([document.body, ui.log, ui.reconnect, null].includes(document.activeElement)) {
      ui.input.focus();
    }
  }
}

/**
 * Sends one input if the call takes input, and shows it (a session does not echo); returns whether
 * it did. The library sends in order, each within the gateway's credit; while the session resumes it
 * keeps them and sends them on the new socket.
 */
function sendInput(input) {
  if (!canSend()) {
    return false;
  }
  const frame = JSON.stringify({ call: call.id, seq: Number.MAX_SAFE_INTEGER, message: { input } });
  if (new TextEncoder().encode(frame).length > MAX_FRAME_BYTES) {
    addLine("error", t.tooLong);
    return false;
  }
  call.send({ input }).catch(() => {}); // a call that ended says how in its status
  addLine("input", input);
  return true;
}

// ---- the log: lines wait in `pending` and reach the DOM once per animation frame

let pending = [];
let total = 0;
let flushRequested = false;

function addLine(kind, text, hint = "") {
  pending.push({ kind, text, hint, at: new Date() });
  total++;
  // Only the last MAX_LINES can ever be shown; trimming in bulk keeps this O(1) per line.
  if (pending.length > 2 * MAX_LINES) {
    pending = pending.slice(-MAX_LINES);
  }
  if (!flushRequested) {
    flushRequested = true;
    requestAnimationFrame(flush);
  }
}

function flush() {
  flushRequested = false;
  const lines = pending.slice(-MAX_LINES);
  pending = [];
  const log = ui.log;
  const following = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  const fragment = document.createDocumentFragment();
  for (const line of lines) {
    fragment.append(render(line));
  }
  log.append(fragment);
  const excess = log.childElementCount - MAX_LINES;
  if (excess > 0) {
    const range = document.createRange();
    range.setStartBefore(log.firstElementChild);
    range.setEndAfter(log.children[excess - 1]);
    range.deleteContents();
  }
  const shown = log.childElementCount;
  ui.note.hidden = total <= shown;
  ui.note.textContent = t.note(numbers.format(shown), numbers.format(total));
  if (following) {
    log.scrollTop = log.scrollHeight;
  }
}

const WHO = { input: "you", output: "service", error: "error" };

function render({ kind, text, hint, at }) {
  const item = document.createElement("li");
  item.className = `line line-${kind}`;
  item.dataset.kind = kind;
  if (hint) {
    item.title = hint;
  }
  const time = document.createElement("time");
  time.dateTime = at.toISOString();
  time.textContent = [at.getHours(), at.getMinutes(), at.getSeconds()]
    .map((part) => String(part).padStart(2, "0"))
    .join(":");
  const body = document.createElement("span");
  body.className = "text";
  body.textContent = text;
  if (WHO[kind]) {
    const who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = t[WHO[kind]];
    item.append(time, who, body);
  } else {
    item.append(time, body);
  }
  return item;
}

// ---- wiring

ui.composer.addEventListener("submit", (event) => {
  event.preventDefault();
  const value = ui.input.value;
  if (value.trim() !== "" && sendInput(value)) {
    ui.input.value = "";
  }
});
ui.stream.addEventListener("click", () => sendInput(COMMAND_STREAM));
ui.endChat.addEventListener("click", () => sendInput(COMMAND_END));
ui.endInput.addEventListener("click", () => {
  if (canSend()) {
    call.end();
    inputEnded = true;
    showDetail(t.inputEnded);
    addLine("event", t.eventInputEnded);
    updateControls();
  }
});
ui.reconnect.addEventListener("click", reconnect);
// Closing the session (1000) ends its call at once, rather than when its resume window ends: the
// gateway keeps a session whose socket closed any other way, 1001 included, which proxies send too.
window.addEventListener("pagehide", () => session?.close());
// The network is back: a session resuming tries now, a conversation waiting to open its call opens
// it now (an ended one stays ended).
window.addEventListener("online", () => {
  session?.reconnectNow();
  if (conversation !== null) {
    reconnect();
  }
});

translatePage();
takeTokenFromFragment();
connect();
